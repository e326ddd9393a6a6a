"""The emails the bot sent agencies with a request (`mail_threads`): an emailed return is
trusted only as a reply to one of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import MailThreadRow
from bot.domain.mail_trust import MailThread
from bot.ports import SentMail


def _thread(row: MailThreadRow) -> MailThread:
    return MailThread(
        case_ref=row.case_ref,
        agency=row.agency,
        recipient=row.recipient,
        send_id=row.send_id,
        sent_at=row.sent_at,
        internet_message_id=row.internet_message_id,
        conversation_id=row.conversation_id,
    )


class SqlMailThreads:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, thread: MailThread) -> None:
        self.session.add(
            MailThreadRow(
                case_ref=thread.case_ref,
                agency=thread.agency,
                recipient=thread.recipient,
                send_id=thread.send_id,
                sent_at=thread.sent_at,
                internet_message_id=thread.internet_message_id,
                conversation_id=thread.conversation_id,
            )
        )
        await self.session.flush()

    async def of_case(self, case_ref: str) -> list[MailThread]:
        rows = await self.session.scalars(
            select(MailThreadRow)
            .where(MailThreadRow.case_ref == case_ref)
            .order_by(MailThreadRow.id)
        )
        return [_thread(r) for r in rows]

    async def unresolved(self, *, sent_after: datetime, limit: int) -> list[MailThread]:
        rows = await self.session.scalars(
            select(MailThreadRow)
            .where(
                MailThreadRow.internet_message_id.is_(None),
                MailThreadRow.sent_at >= sent_after,
            )
            .order_by(MailThreadRow.sent_at.desc(), MailThreadRow.id.desc())
            .limit(limit)
        )
        return [_thread(r) for r in rows]

    async def resolve(self, send_id: str, sent: SentMail) -> None:
        await self.session.execute(
            update(MailThreadRow)
            .where(MailThreadRow.send_id == send_id)
            .values(
                internet_message_id=sent.internet_message_id,
                conversation_id=sent.conversation_id or None,
            )
        )

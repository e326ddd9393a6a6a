"""Every row that belongs to one case, table by table: what `rrbot export` writes out and
what `rrbot purge` erases are the same list, so nothing exported is left behind on erasure.

Kept on purpose: `case_sequences` (a reference is never given out twice), `seen_events`
(Slack event ids, no case in them) and the audit log (append-only; see bot/services/records).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import (
    AdditionRow,
    AuditRow,
    Base,
    BookingClaimRow,
    CaseRow,
    ChatMessageRow,
    DecisionRow,
    DeliveryRow,
    DueActionRow,
    InvitationRow,
    MailThreadRow,
    MeetingRow,
    RequestRow,
    ReturnVersionRow,
)
from bot.adapters.db.uow import SqlUnitOfWork
from bot.ports import UnitOfWork

Row = dict[str, Any]


def _belonging(ref: str) -> dict[str, ColumnElement[bool]]:
    """Each table's rows of case `ref`, children reached through their parents' ids."""
    requests = select(RequestRow.id).where(RequestRow.case_ref == ref)
    meetings = select(MeetingRow.id).where(MeetingRow.case_ref == ref)
    actions = select(DueActionRow.id).where(DueActionRow.case_ref == ref)
    return {
        CaseRow.__tablename__: CaseRow.ref == ref,
        RequestRow.__tablename__: RequestRow.case_ref == ref,
        ReturnVersionRow.__tablename__: ReturnVersionRow.request_id.in_(requests),
        AdditionRow.__tablename__: AdditionRow.request_id.in_(requests),
        MeetingRow.__tablename__: MeetingRow.case_ref == ref,
        InvitationRow.__tablename__: InvitationRow.meeting_id.in_(meetings),
        DecisionRow.__tablename__: DecisionRow.case_ref == ref,
        BookingClaimRow.__tablename__: BookingClaimRow.case_ref == ref,
        DueActionRow.__tablename__: DueActionRow.case_ref == ref,
        DeliveryRow.__tablename__: DeliveryRow.action_id.in_(actions),
        MailThreadRow.__tablename__: MailThreadRow.case_ref == ref,
        ChatMessageRow.__tablename__: ChatMessageRow.case_ref == ref,
    }


def case_tables() -> list[Table]:
    """The tables a case has rows in, parents before children."""
    names = set(_belonging("").keys())
    return [t for t in Base.metadata.sorted_tables if t.name in names]


def sql_session(uow: UnitOfWork) -> AsyncSession:
    """The session behind a unit of work: export and purge read and delete whole tables."""
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError("export and purge need the SQL database")
    return uow.session


async def case_rows(session: AsyncSession, ref: str) -> dict[str, list[Row]]:
    """Every row of case `ref`, by table, in primary key order."""
    where = _belonging(ref)
    found: dict[str, list[Row]] = {}
    for table in case_tables():
        query = select(table).where(where[table.name]).order_by(*table.primary_key.columns)
        found[table.name] = [dict(r._mapping) for r in await session.execute(query)]
    return found


async def audit_lines(session: AsyncSession, ref: str) -> list[Row]:
    query = select(AuditRow.__table__).where(AuditRow.case_ref == ref).order_by(AuditRow.seq)
    return [dict(r._mapping) for r in await session.execute(query)]


async def erase_case_rows(session: AsyncSession, ref: str) -> dict[str, int]:
    """Delete case `ref`'s rows, children first; how many went from each table."""
    where = _belonging(ref)
    erased: dict[str, int] = {}
    for table in reversed(case_tables()):
        result = await session.execute(delete(table).where(where[table.name]))
        erased[table.name] = int(getattr(result, "rowcount", 0) or 0)
    return erased

"""An in-memory partnership mailbox: tests and the demo deliver replies into it.

Every email sent has a sent copy here whose Message-ID and conversation follow from its send
id, so a test can write a true reply to it (`reply_to`) as well as a forged fresh one."""

from __future__ import annotations

from datetime import datetime

from bot.domain.mail_trust import Authentication
from bot.ports import Attachment, ReceivedMail, SentMail


def sent_copy_of(send_id: str) -> SentMail:
    return SentMail(f"<{send_id}@partnership.example.org>", f"conversation-{send_id}")


class InMemoryMailbox:
    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []

    def deliver(self, mail: ReceivedMail) -> None:
        self.received.append(mail)

    def reply_to(
        self,
        send_id: str,
        *,
        sender: str,
        subject: str,
        text: str,
        at: datetime,
        attachments: tuple[str, ...] = (),
        files: tuple[Attachment, ...] = (),
        authentication: Authentication = "pass",
    ) -> ReceivedMail:
        """A reply to the email sent under `send_id`, as a mail client writes it; `files`
        are Word documents attached (named in `attachments` too, as Graph's mail lists them)."""
        ours = sent_copy_of(send_id)
        mail = ReceivedMail(
            message_id=f"reply-{len(self.received) + 1}",
            sender=sender,
            subject=subject,
            text=text,
            received_at=at,
            attachments=attachments + tuple(f.name for f in files if f.name not in attachments),
            files=files,
            conversation_id=ours.conversation_id,
            replies_to=(ours.internet_message_id,),
            authentication=authentication,
        )
        self.deliver(mail)
        return mail

    async def replies(self, *, since: datetime) -> list[ReceivedMail]:
        return sorted(
            (m for m in self.received if m.received_at >= since), key=lambda m: m.received_at
        )

    async def sent_copy(self, *, send_id: str) -> SentMail | None:
        return sent_copy_of(send_id)

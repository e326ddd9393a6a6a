"""An in-memory partnership mailbox: tests and the demo deliver replies into it."""

from __future__ import annotations

from datetime import datetime

from bot.ports import ReceivedMail


class InMemoryMailbox:
    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []

    def deliver(self, mail: ReceivedMail) -> None:
        self.received.append(mail)

    async def replies(self, *, since: datetime) -> list[ReceivedMail]:
        return sorted(
            (m for m in self.received if m.received_at >= since), key=lambda m: m.received_at
        )

"""A calendar that holds the first call of one kind until the test lets it go: two people's
bookings then overlap for certain, without timed sleeps. Everything else passes through."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from bot.domain.meeting import Response
from bot.domain.slots import Busy
from bot.ports import Attachment, BookedEvent, CalendarPort


class HeldCalendar:
    def __init__(self, inner: CalendarPort, hold: str = "create_event") -> None:
        self.inner = inner
        self.hold = hold  # "create_event" or "move_event"
        self.reached = asyncio.Event()  # the held call has arrived
        self.release = asyncio.Event()  # the test lets it go on
        self.calls = 0

    async def _wait_if_first(self, kind: str) -> None:
        if kind != self.hold:
            return
        self.calls += 1
        if self.calls == 1:
            self.reached.set()
            await self.release.wait()

    async def free_busy(
        self, *, people: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]:
        return await self.inner.free_busy(people=people, start=start, end=end)

    async def create_event(
        self,
        *,
        subject: str,
        body: str,
        start: datetime,
        end: datetime,
        required: Sequence[str],
        optional: Sequence[str],
        transaction_id: str,
    ) -> BookedEvent:
        await self._wait_if_first("create_event")
        return await self.inner.create_event(
            subject=subject,
            body=body,
            start=start,
            end=end,
            required=required,
            optional=optional,
            transaction_id=transaction_id,
        )

    async def add_attendee(self, *, event_id: str, email: str, optional: bool = False) -> None:
        await self.inner.add_attendee(event_id=event_id, email=email, optional=optional)

    async def responses(self, *, event_id: str) -> dict[str, Response]:
        return await self.inner.responses(event_id=event_id)

    async def cancel_event(self, *, event_id: str, comment: str) -> None:
        await self.inner.cancel_event(event_id=event_id, comment=comment)

    async def move_event(self, *, event_id: str, start: datetime, end: datetime) -> None:
        await self._wait_if_first("move_event")
        await self.inner.move_event(event_id=event_id, start=start, end=end)

    async def attach_document(self, *, event_id: str, document: Attachment) -> str:
        return await self.inner.attach_document(event_id=event_id, document=document)

    async def remove_document(self, *, event_id: str, attachment_id: str) -> None:
        await self.inner.remove_document(event_id=event_id, attachment_id=attachment_id)

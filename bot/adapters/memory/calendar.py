"""An in-memory calendar: diaries of busy time, events and their responses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.errors import NotFound
from bot.domain.meeting import Response
from bot.domain.slots import Busy
from bot.ports import Attachment, BookedEvent


@dataclass(slots=True)
class Event:
    id: str
    subject: str
    body: str
    start: datetime
    end: datetime
    attendees: dict[str, Response] = field(default_factory=dict)
    optional: set[str] = field(default_factory=set)
    cancelled: str | None = None
    documents: dict[str, Attachment] = field(default_factory=dict)  # attachment id -> file


class InMemoryCalendar:
    def __init__(self, diaries: dict[str, list[Busy]] | None = None) -> None:
        self.diaries: dict[str, list[Busy]] = {k: list(v) for k, v in (diaries or {}).items()}
        self.events: dict[str, Event] = {}
        self.free_busy_calls = 0
        self._attachment_ids = 0

    async def free_busy(
        self, *, people: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]:
        self.free_busy_calls += 1
        found: dict[str, list[Busy]] = {}
        for person in people:
            busy = [b for b in self.diaries.get(person, []) if b.end > start and b.start < end]
            busy += [
                Busy(e.start, e.end)
                for e in self.events.values()
                if e.cancelled is None
                and e.attendees.get(person) is not Response.DECLINED
                and person in e.attendees
                and e.end > start
                and e.start < end
            ]
            found[person] = sorted(busy, key=lambda b: b.start)
        return found

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
        existing = self.events.get(transaction_id)
        if existing is not None:  # a retried create never makes a second meeting
            return BookedEvent(existing.id, existing.id)
        event = Event(
            transaction_id,
            subject,
            body,
            start,
            end,
            {e: Response.NONE for e in [*required, *optional]},
            set(optional),
        )
        self.events[transaction_id] = event
        return BookedEvent(event.id, event.id)  # no Teams here: no join link

    def _event(self, event_id: str) -> Event:
        event = self.events.get(event_id)
        if event is None:
            raise NotFound(f"No calendar event {event_id}.")
        return event

    async def add_attendee(self, *, event_id: str, email: str, optional: bool = False) -> None:
        event = self._event(event_id)
        event.attendees.setdefault(email, Response.NONE)
        if optional:
            event.optional.add(email)

    async def responses(self, *, event_id: str) -> dict[str, Response]:
        return dict(self._event(event_id).attendees)

    async def cancel_event(self, *, event_id: str, comment: str) -> None:
        self._event(event_id).cancelled = comment

    async def move_event(self, *, event_id: str, start: datetime, end: datetime) -> None:
        event = self._event(event_id)
        event.start, event.end = start, end
        # As in Outlook, a moved meeting asks everyone again.
        event.attendees = dict.fromkeys(event.attendees, Response.NONE)

    async def attach_document(self, *, event_id: str, document: Attachment) -> str:
        event = self._event(event_id)
        self._attachment_ids += 1
        attachment_id = f"attachment-{self._attachment_ids}"
        event.documents[attachment_id] = document
        return attachment_id

    async def remove_document(self, *, event_id: str, attachment_id: str) -> None:
        self._event(event_id).documents.pop(attachment_id, None)  # already gone: fine

    def respond(self, event_id: str, email: str, response: Response) -> None:
        """What an invitee does in their own calendar (the demo and tests drive this)."""
        self._event(event_id).attendees[email] = response

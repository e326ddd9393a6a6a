"""A due action that sends the papers to every surface (the case channel, the meeting, email),
and a calendar whose worker dies at the first attach: the exactly-once tests' tools, on the
in-memory store and on a real database alike."""

from __future__ import annotations

from datetime import date, datetime

from bot.adapters.memory.calendar import InMemoryCalendar
from bot.domain.outbox import DueAction, Outcome
from bot.ports import Attachment, CalendarPort, UnitOfWork
from bot.services.facade import Services
from schedules.performers import Performer

CHANNEL = "#LLR-RR-2026-001"
MEETING = "meeting-1"
SPOC = "fay.morrow@council.example.org"
SUMMARY = Attachment("LLR-RR-2026-001-combined-summary-v1.docx", b"PK\x03\x04 version one")
SECOND = Attachment(SUMMARY.name, b"PK\x03\x04 version two")  # same name, other bytes


class WorkerKilled(BaseException):
    """The process dies: nothing after this point runs (not an error the runner handles)."""


class CalendarDownOnce(InMemoryCalendar):
    """The worker dies at its first attach (after the file was posted in the channel)."""

    def __init__(self) -> None:
        super().__init__()
        self.dying = True

    async def attach_document(self, *, event_id: str, document: Attachment) -> str:
        if self.dying:
            self.dying = False
            raise WorkerKilled
        return await super().attach_document(event_id=event_id, document=document)


def papers_sender(*documents: Attachment) -> dict[str, Performer]:
    """Performers with one kind, "papers", that sends `documents` to every surface."""

    async def send(
        services: Services, action: DueAction, _late: date | None
    ) -> tuple[Outcome, str]:
        ctx = services.ctx
        for document in documents:
            await ctx.chat.post_file(channel=CHANNEL, document=document, text="The papers.")
            await ctx.calendar.attach_document(event_id=MEETING, document=document)
            await ctx.mail.send(
                to=[SPOC], subject="Papers", body="Attached.", attachments=[document]
            )
        return Outcome.DONE, "sent"

    return {"papers": Performer(run=send, to_people=False)}


async def plan_papers(uow: UnitOfWork, due_at: datetime) -> None:
    async with uow:
        await uow.outbox.plan(DueAction(key="papers-test", kind="papers", due_at=due_at))
        await uow.commit()


async def book_meeting(calendar: CalendarPort, start: datetime, end: datetime) -> None:
    await calendar.create_event(
        subject="Rapid review meeting",
        body="",
        start=start,
        end=end,
        required=[SPOC],
        optional=[],
        transaction_id=MEETING,
    )

"""The papers go out exactly once per version to each surface: a worker that dies after
posting the file in the case channel, before attaching it to the meeting, leaves a row that
the next worker finishes without posting the file again; a new version is a new delivery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest

from bot.adapters.memory.calendar import InMemoryCalendar
from bot.domain.outbox import DueAction, Outcome
from bot.ports import Attachment
from bot.services.facade import Services
from schedules.performers import Performer
from schedules.runner import LEASE, run_due
from tests.support.world import CHAIR, LA_SPOC, World, local

MONDAY = date(2027, 1, 4)
CHANNEL = "#LLR-RR-2026-001"
SUMMARY = Attachment("LLR-RR-2026-001-combined-summary-v1.docx", b"PK\x03\x04 version one")
SECOND = Attachment(SUMMARY.name, b"PK\x03\x04 version two")  # same name, other bytes


class WorkerKilled(BaseException):
    """The process dies: nothing after this point runs."""


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
    """A due action that sends `documents` to every surface, as the papers day does."""

    async def send(
        services: Services, action: DueAction, _late: date | None
    ) -> tuple[Outcome, str]:
        ctx = services.ctx
        for document in documents:
            await ctx.chat.post_file(channel=CHANNEL, document=document, text="The papers.")
            await ctx.calendar.attach_document(event_id="meeting-1", document=document)
            await ctx.mail.send(
                to=[LA_SPOC], subject="Papers", body="Attached.", attachments=[document]
            )
        return Outcome.DONE, "sent"

    return {"papers": Performer(run=send, to_people=False)}


async def plan_papers(world: World) -> DueAction:
    action = DueAction(key="papers-test", kind="papers", due_at=local(MONDAY, "09:00"))
    async with world.ctx.uow() as uow:
        await uow.outbox.plan(action)
        await uow.commit()
    return action


async def book_meeting(calendar: InMemoryCalendar, world: World) -> None:
    await calendar.create_event(
        subject="Rapid review meeting",
        body="",
        start=local(MONDAY, "14:00"),
        end=local(MONDAY, "15:00"),
        required=[CHAIR, LA_SPOC],
        optional=[],
        transaction_id="meeting-1",
    )


def posted(world: World) -> list[bytes]:
    return [f.content for i in world.transcript.items if i.kind == "file" for f in i.files]


def emailed(world: World) -> list[bytes]:
    return [
        f.content
        for i in world.transcript.to(LA_SPOC, "email")
        if i.subject == "Papers"
        for f in i.files
    ]


async def run_papers(world: World, performers: dict[str, Performer], worker: str) -> None:
    await run_due(world.services, worker=worker, performers=MappingProxyType(performers))


async def test_a_rerun_after_a_crash_posts_no_second_file_and_attaches_once(world: World) -> None:
    calendar = CalendarDownOnce()
    await book_meeting(calendar, world)
    world.ctx = replace(world.ctx, calendar=calendar)
    world.services = Services(world.ctx)
    await plan_papers(world)
    world.at(MONDAY, "09:00")
    performers = papers_sender(SUMMARY)

    with pytest.raises(WorkerKilled):
        await run_papers(world, performers, "A")
    assert posted(world) == [SUMMARY.content]  # out, and recorded at once

    world.clock.set(local(MONDAY, "09:00") + LEASE)
    await run_papers(world, performers, "B")

    assert posted(world) == [SUMMARY.content]  # not a second time
    assert [d.content for d in calendar.events["meeting-1"].documents.values()] == [SUMMARY.content]
    assert emailed(world) == [SUMMARY.content]
    assert world.store.actions["papers-test"].outcome is Outcome.DONE


async def test_a_new_version_of_the_same_file_is_a_new_delivery(world: World) -> None:
    await book_meeting(world.calendar, world)
    await plan_papers(world)
    world.at(MONDAY, "09:00")

    await run_papers(world, papers_sender(SUMMARY, SECOND), "A")

    assert posted(world) == [SUMMARY.content, SECOND.content]
    documents = world.calendar.events["meeting-1"].documents.values()
    assert [d.content for d in documents] == [SUMMARY.content, SECOND.content]
    assert emailed(world) == [SUMMARY.content, SECOND.content]
    action_id = world.store.actions["papers-test"].id
    assert action_id is not None
    kinds = sorted(key.split(":")[0] for key in world.store.deliveries[action_id])
    assert kinds == ["attach", "attach", "file", "file", "mail", "mail"]


class ChatWithoutFiles:
    """A chat that holds no file from the bot (a Teams group chat)."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self.asked = 0

    async def post_file(self, *, channel: str, document: Attachment, text: str) -> None:
        self.asked += 1

    def __getattr__(self, name: str) -> Callable[..., object]:
        return getattr(self._inner, name)  # type: ignore[no-any-return]


async def test_a_file_the_chat_cannot_hold_is_not_recorded_as_sent(world: World) -> None:
    await book_meeting(world.calendar, world)
    await plan_papers(world)
    chat = ChatWithoutFiles(world.chat)
    world.ctx = replace(world.ctx, chat=chat)  # type: ignore[arg-type]
    world.services = Services(world.ctx)
    world.at(MONDAY, "09:00")

    await run_papers(world, papers_sender(SUMMARY), "A")

    assert chat.asked == 1
    action_id = world.store.actions["papers-test"].id
    assert action_id is not None
    assert not any(k.startswith("file:") for k in world.store.deliveries[action_id])
    assert emailed(world) == [SUMMARY.content]  # the email still went

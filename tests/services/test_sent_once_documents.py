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
from bot.domain.outbox import Outcome
from bot.ports import Attachment
from bot.services.facade import Services
from schedules.performers import Performer
from schedules.runner import LEASE, run_due
from tests.support.sending_papers import (
    MEETING,
    SECOND,
    SPOC,
    SUMMARY,
    CalendarDownOnce,
    WorkerKilled,
    book_meeting,
    papers_sender,
    plan_papers,
)
from tests.support.world import World, local

MONDAY = date(2027, 1, 4)


async def prepare(world: World, calendar: InMemoryCalendar) -> None:
    await book_meeting(calendar, local(MONDAY, "14:00"), local(MONDAY, "15:00"))
    await plan_papers(world.ctx.uow(), local(MONDAY, "09:00"))
    world.at(MONDAY, "09:00")


def posted(world: World) -> list[bytes]:
    return [f.content for i in world.transcript.items if i.kind == "file" for f in i.files]


def emailed(world: World) -> list[bytes]:
    return [f.content for i in world.transcript.to(SPOC, "email") for f in i.files]


async def run_papers(world: World, performers: dict[str, Performer], worker: str) -> None:
    await run_due(world.services, worker=worker, performers=MappingProxyType(performers))


def delivered_kinds(world: World) -> list[str]:
    action_id = world.store.actions["papers-test"].id
    assert action_id is not None
    return sorted(key.split(":")[0] for key in world.store.deliveries.get(action_id, {}))


async def test_a_rerun_after_a_crash_posts_no_second_file_and_attaches_once(world: World) -> None:
    calendar = CalendarDownOnce()
    world.ctx = replace(world.ctx, calendar=calendar)
    world.services = Services(world.ctx)
    await prepare(world, calendar)
    performers = papers_sender(SUMMARY)

    with pytest.raises(WorkerKilled):
        await run_papers(world, performers, "A")
    assert posted(world) == [SUMMARY.content]  # out, and recorded at once
    assert delivered_kinds(world) == ["file"]

    world.clock.set(local(MONDAY, "09:00") + LEASE)
    await run_papers(world, performers, "B")

    assert posted(world) == [SUMMARY.content]  # not a second time
    assert [d.content for d in calendar.events[MEETING].documents.values()] == [SUMMARY.content]
    assert emailed(world) == [SUMMARY.content]
    assert world.store.actions["papers-test"].outcome is Outcome.DONE


async def test_a_new_version_of_the_same_file_is_a_new_delivery(world: World) -> None:
    await prepare(world, world.calendar)

    await run_papers(world, papers_sender(SUMMARY, SECOND), "A")

    assert posted(world) == [SUMMARY.content, SECOND.content]
    documents = world.calendar.events[MEETING].documents.values()
    assert [d.content for d in documents] == [SUMMARY.content, SECOND.content]
    assert emailed(world) == [SUMMARY.content, SECOND.content]
    assert delivered_kinds(world) == ["attach", "attach", "file", "file", "mail", "mail"]


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
    chat = ChatWithoutFiles(world.chat)
    world.ctx = replace(world.ctx, chat=chat)  # type: ignore[arg-type]
    world.services = Services(world.ctx)
    await prepare(world, world.calendar)

    await run_papers(world, papers_sender(SUMMARY), "A")

    assert chat.asked == 1
    assert delivered_kinds(world) == ["attach", "mail"]
    assert emailed(world) == [SUMMARY.content]  # the email still went

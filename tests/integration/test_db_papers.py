"""The meeting papers on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL): each
version goes once to each surface (the channel's file, the meeting's attachment, the emails),
a second process finishing a crashed run sends nothing again, the case keeps each version's
hashes, and at DEBUG, with SQL echo on, no form of the child's name is logged."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bot.adapters.clock import SimulatedClock
from bot.adapters.console.chat import ConsoleMail
from bot.domain.notification import Notification
from bot.domain.requests import ReturnKind
from bot.logging import REGISTRY
from bot.services.facade import Services
from schedules.runner import LEASE, run_due
from tests.integration.sql_world import SqlWorld
from tests.integration.test_debug_log_names import forms
from tests.support.logs import debug_log
from tests.support.world import CHAIR, OFFICER, local

PAPERS_DAY = date(2027, 1, 6)  # Wed: the day before Thursday's meeting
CHILD = ("Zoë Brontë",)
FAMILY = ("Testperson",)


class WorkerKilled(BaseException):
    """The process dies: nothing after this point runs."""


class MailThatDies(ConsoleMail):
    async def send(self, **message: Any) -> str:
        raise WorkerKilled


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SqlWorld]:
    world = SqlWorld(database_url, SimulatedClock(datetime(2026, 12, 18, 10, tzinfo=UTC)))
    yield world
    await world.aclose()


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with debug_log("sqlalchemy.engine", "aiosqlite", "asyncpg") as stream:
        try:
            yield stream
        finally:
            REGISTRY.clear()


async def booked(world: SqlWorld) -> str:
    opened = await world.services.open_case(notification=_notification(), actor=OFFICER)
    ref = opened.case.ref
    world.clock.set(local(date(2026, 12, 21), "10:00"))
    await world.services.send_information_requests(case_ref=ref, actor=OFFICER)
    for agency in ("la", "police", "gp"):  # the ICB's and the school's are missing
        await world.services.record_return(
            case_ref=ref, agency=agency, kind=ReturnKind.FULL, summary="Fictional.", actor=OFFICER
        )
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    slot = next(s for s in offer.proposal.slots if s.start.date() == date(2027, 1, 7))
    await world.services.book_meeting(case_ref=ref, slot=slot, actor=CHAIR)
    return ref


def _notification() -> Notification:
    return Notification.model_validate(
        {
            "external_ref": "LA-2026-0077",
            "notified_on": date(2026, 12, 18),
            "agencies": ("la", "police", "icb", "gp", "school"),
            "child_names": CHILD,
            "family_names": FAMILY,
        }
    )


async def test_each_version_goes_once_to_each_surface_and_its_hashes_are_kept(
    world: SqlWorld, captured: io.StringIO
) -> None:
    ref = await booked(world)
    world.clock.set(local(PAPERS_DAY, "15:00"))
    dying = Services(replace(world.ctx, mail=MailThatDies(world.ctx.directory, world.transcript)))
    with pytest.raises(WorkerKilled):  # the file posted and attached, then the worker died
        await run_due(dying, worker="A")

    world.clock.set(local(PAPERS_DAY, "15:00") + LEASE)
    other = world.another_process()
    await run_due(other.services, worker="B")
    world.clock.set(local(PAPERS_DAY, "16:00"))
    await world.services.record_return(
        case_ref=ref, agency="icb", kind=ReturnKind.NIL, summary="", actor=OFFICER
    )
    await run_due(world.services, worker="A")
    await run_due(other.services, worker="B")

    files = world.transcript.to(f"#{ref.lower()}", "file")
    assert [f.subject for f in files] == [
        f"{ref}_combined-summary_v1.docx",
        f"{ref}_combined-summary_v2.docx",
    ]
    (event,) = world.ctx.calendar.events.values()  # type: ignore[attr-defined]
    assert [d.name for d in event.documents.values()] == [f"{ref}_combined-summary_v2.docx"]
    emailed = [
        (i.to, i.files[0].name) for i in world.transcript.items if i.files and i.kind == "email"
    ]
    assert len(emailed) == len(set(emailed))  # nobody emailed the same version twice
    async with world.ctx.uow() as uow:
        case = await uow.cases.get(ref)
    assert [p.version for p in case.papers] == [1, 2]
    assert all(p.sent_at.tzinfo is not None for p in case.papers)
    assert [p.documents[0][0] for p in case.papers] == [f.subject for f in files]
    sent_hashes = [p.documents[0][1] for p in case.papers]
    async with world.engine.connect() as connection:
        rows = (
            await connection.execute(
                text("SELECT detail FROM audit_log WHERE action = 'papers_sent' ORDER BY seq")
            )
        ).all()
    details = [r[0] if isinstance(r[0], dict) else json.loads(r[0]) for r in rows]
    assert [d["documents"][0]["sha256"] for d in details] == sent_hashes

    logged = captured.getvalue()
    assert ref in logged
    leaked = {f for name in CHILD + FAMILY for f in forms(name) if f in logged}
    assert leaked == set()

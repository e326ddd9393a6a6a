"""Exactly once per version to each surface, on a real database (SQLite, or PostgreSQL with
TEST_DATABASE_URL): a worker that dies after posting the papers in the case channel leaves its
delivery committed, and the next worker attaches and emails them without a second post."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pytest
from sqlalchemy import func, select

from bot.adapters.clock import SimulatedClock
from bot.adapters.db.models import DeliveryRow
from bot.domain.outbox import Outcome
from bot.services.facade import Services
from schedules.runner import LEASE, run_due
from tests.integration.sql_world import SqlWorld
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
from tests.support.world import local

MONDAY = date(2027, 1, 4)


async def deliveries(world: SqlWorld) -> int:
    async with world.engine.connect() as connection:
        return int((await connection.execute(select(func.count(DeliveryRow.id)))).scalar_one())


async def test_the_papers_reach_each_surface_once_across_a_crash(database_url: str) -> None:
    world = SqlWorld(database_url, SimulatedClock(local(MONDAY, "09:00")))
    calendar = CalendarDownOnce()
    world.ctx = replace(world.ctx, calendar=calendar)
    world.services = Services(world.ctx)
    await book_meeting(calendar, local(MONDAY, "14:00"), local(MONDAY, "15:00"))
    await plan_papers(world.ctx.uow(), local(MONDAY, "09:00"))
    performers = MappingProxyType(papers_sender(SUMMARY, SECOND))
    try:
        with pytest.raises(WorkerKilled):
            await run_due(world.services, worker="A", performers=performers)
        assert await deliveries(world) == 1  # the first file, committed as it went

        world.clock.set(local(MONDAY, "09:00") + LEASE)
        other = world.another_process()
        (ran,) = await run_due(other.services, worker="B", performers=performers)

        assert ran.outcome is Outcome.DONE
        files = [f.content for i in world.transcript.items if i.kind == "file" for f in i.files]
        assert files == [SUMMARY.content, SECOND.content]
        attached = [d.content for d in calendar.events[MEETING].documents.values()]
        assert attached == [SUMMARY.content, SECOND.content]
        emailed = [f.content for i in world.transcript.to(SPOC, "email") for f in i.files]
        assert emailed == [SUMMARY.content, SECOND.content]
        assert await deliveries(world) == 6
    finally:
        await world.aclose()

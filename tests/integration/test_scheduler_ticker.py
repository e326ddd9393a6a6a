"""The ticker on a real database: it ticks by itself, one tick at a time, drains a backlog in
batches, reports what it did, and stops cleanly after the tick in flight."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta

import pytest

from bot.adapters.clock import SimulatedClock
from bot.domain.errors import InvalidInput
from bot.domain.outbox import DueAction, Outcome
from bot.services.facade import Services
from schedules.performers import Performer
from schedules.runner import LEASE, claim
from schedules.scheduler import Ticker, TickReport, tick_once
from tests.integration.sql_world import SqlWorld
from tests.support.logs import debug_log
from tests.support.world import local

MONDAY_NOON = local(date(2027, 1, 4), "12:00")
SATURDAY_NOON = local(date(2027, 1, 9), "12:00")


class Notes:
    """A fake performer: remembers what it ran, and how many ran at the same moment."""

    def __init__(self, pause: float = 0.0) -> None:
        self.ran: list[str] = []
        self.pause = pause
        self.running = 0
        self.most_at_once = 0

    async def __call__(
        self, services: Services, action: DueAction, late_since: date | None
    ) -> tuple[Outcome, str]:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await asyncio.sleep(self.pause)
            if action.payload.get("fails"):
                raise RuntimeError("chat is down")
            if action.payload.get("refused"):
                raise InvalidInput("nobody to tell")
            self.ran.append(action.key)
            return Outcome.DONE, "noted"
        finally:
            self.running -= 1


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SqlWorld]:
    world = SqlWorld(database_url, SimulatedClock(MONDAY_NOON))
    yield world
    await world.aclose()


async def plan(world: SqlWorld, *keys: str, kind: str = "note", **payload: object) -> None:
    async with world.ctx.uow() as uow:
        for key in keys:
            await uow.outbox.plan(
                DueAction(key=key, kind=kind, due_at=world.clock.now(), payload=dict(payload))
            )
        await uow.commit()


async def pending(world: SqlWorld) -> list[DueAction]:
    """The test's own rows still pending; the chair's digest, which every scheduler plans at
    start and which recurs, is left out."""
    async with world.ctx.uow() as uow:
        return [a for a in await uow.outbox.pending() if a.kind != "digest"]


async def until(condition: Callable[[], bool]) -> None:
    """Wait (up to five seconds) for the ticker, which runs on its own, to get there."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the ticker did not get there in 5 s")


async def test_the_ticker_runs_what_is_due_by_itself(world: SqlWorld) -> None:
    notes = Notes()
    await plan(world, "a", "b", "c")
    ticker = Ticker(
        world.services,
        interval_seconds=0.05,
        worker="bot-a-101",
        performers={"note": Performer(notes, to_people=False)},
    )
    await ticker.start()
    try:
        await until(lambda: len(notes.ran) == 3)
        await plan(world, "d")  # planned while it runs: the next tick finds it
        await until(lambda: len(notes.ran) == 4)
    finally:
        await ticker.aclose()

    assert sorted(notes.ran) == ["a", "b", "c", "d"]
    assert ticker.totals.done == 4 and ticker.ticks >= 2
    assert await pending(world) == []
    ticks = ticker.ticks
    await asyncio.sleep(0.15)
    assert ticker.ticks == ticks and not ticker.running  # stopped means stopped


async def test_ticks_never_overlap_however_slow_one_is_and_say_nothing_of_it(
    world: SqlWorld,
) -> None:
    notes = Notes(pause=0.1)
    await plan(world, *(f"slow-{n}" for n in range(4)))
    ticker = Ticker(
        world.services,
        interval_seconds=0.01,  # ten ticks would start during one slow action
        worker="bot-a-101",
        limit=1,
        performers={"note": Performer(notes, to_people=False)},
    )
    with debug_log() as logged:
        await ticker.start()
        try:
            await until(lambda: len(notes.ran) == 4)
        finally:
            await ticker.aclose()
    assert notes.most_at_once == 1
    # APScheduler never finds its job still running ("skipped: maximum number of running
    # instances reached") because the job only starts a tick.
    assert "skipped" not in logged.getvalue() and "[warning" not in logged.getvalue()


async def test_a_stop_lets_the_tick_in_flight_finish(world: SqlWorld) -> None:
    notes = Notes(pause=0.2)
    await plan(world, "in-flight")
    ticker = Ticker(
        world.services,
        interval_seconds=30,
        worker="bot-a-101",
        performers={"note": Performer(notes, to_people=False)},
    )
    await ticker.start()
    await until(lambda: notes.running == 1)
    await ticker.aclose()
    assert notes.ran == ["in-flight"]
    assert await pending(world) == []  # done and marked done, not cut off half-way


async def test_one_tick_drains_a_backlog_in_batches_and_counts_what_it_did(
    world: SqlWorld,
) -> None:
    world.clock.set(SATURDAY_NOON)
    notes = Notes()
    await plan(world, *(f"ok-{n:02d}" for n in range(25)))
    await plan(world, "flaky", fails=True)
    await plan(world, "moot", refused=True)
    await plan(world, "nudge-1", "nudge-2", kind="nudge")  # messages to people, on a Saturday
    performers = {
        "note": Performer(notes, to_people=False),
        "nudge": Performer(notes, to_people=True),
    }

    report = await tick_once(world.services, worker="w", limit=10, performers=performers)

    assert report == TickReport(done=25, dropped=1, failed=1, deferred=2)
    assert notes.ran == [f"ok-{n:02d}" for n in range(25)]  # in due (then planned) order
    assert await tick_once(world.services, worker="w", performers=performers) == TickReport()


async def test_a_deferred_action_is_handed_back_without_an_attempt(world: SqlWorld) -> None:
    world.clock.set(SATURDAY_NOON)
    await plan(world, "nudge", kind="nudge")
    performers = {"nudge": Performer(Notes(), to_people=True)}

    ready, deferred = await claim(world.services, worker="w", performers=performers)

    assert ready == [] and len(deferred) == 1
    (row,) = await pending(world)
    monday_nine = local(date(2027, 1, 11), "09:00")
    assert (row.due_at, row.attempts) == (SATURDAY_NOON, 0)  # when it was due stays true
    assert (row.lease_until, row.leased_by) == (monday_nine, None)
    world.clock.set(monday_nine - timedelta(seconds=1))
    assert await claim(world.services, worker="w", performers=performers) == ([], [])
    world.clock.set(monday_nine)
    (claimed,), _ = await claim(world.services, worker="w", performers=performers)
    assert claimed.attempts == 1 and claimed.lease_until == monday_nine + LEASE


async def test_a_stop_does_not_wait_for_ever_on_a_hung_tick(world: SqlWorld) -> None:
    notes = Notes(pause=30)  # an outside call that hangs
    await plan(world, "hung")
    ticker = Ticker(
        world.services,
        interval_seconds=30,
        worker="bot-a-101",
        performers={"note": Performer(notes, to_people=False)},
    )
    await ticker.start()
    await until(lambda: notes.running == 1)
    await asyncio.wait_for(ticker.aclose(grace_seconds=0.1), timeout=2)
    await until(lambda: notes.running == 0)  # the hung tick was cancelled
    (row,) = await pending(world)
    # Handed back at once (issue 14), not left to run out: another replica runs it now.
    assert (row.leased_by, row.lease_until) == (None, None)


async def test_work_queued_now_is_done_now_by_one_tick_for_a_burst(world: SqlWorld) -> None:
    notes = Notes()
    ticker = Ticker(
        world.services,
        interval_seconds=3600,  # the interval never comes round in this test
        worker="bot-a-101",
        performers={"note": Performer(notes, to_people=False)},
    )
    await ticker.start()
    try:
        await until(lambda: ticker.ticks == 1)  # the first tick, at start
        await plan(world, *(f"opening-{n}" for n in range(20)))
        for _ in range(20):  # a burst of notifications, each ringing as it commits
            assert not await world.ctx.doorbell.ring(world.ctx, None)  # answered at once
        await until(lambda: len(notes.ran) == 20)
    finally:
        await ticker.aclose()
    assert ticker.ticks == 2  # the burst woke the scheduler once, not twenty times
    assert await pending(world) == []

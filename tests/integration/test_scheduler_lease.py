"""On SQLite one scheduler per database: a second is refused at start, naming the one that
runs; a clean stop, a lease that ran out or a holder that crashed on this host lets the next
one start. PostgreSQL needs no lease: replicas claim with SKIP LOCKED."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.clock import SimulatedClock
from bot.adapters.console.chat import ConsoleChat, ConsoleMail, Transcript
from bot.adapters.db.migrate import upgrade
from bot.adapters.db.models import SchedulerLeaseRow
from bot.adapters.db.scheduler_lease import (
    SchedulerAlreadyRunning,
    SchedulerLease,
    this_process,
)
from bot.adapters.memory.calendar import InMemoryCalendar
from bot.bootstrap import Container, build
from bot.config import Settings
from bot.directories import load_directory
from schedules.scheduler import Ticker, lease_ttl, tick_once, ticker_for
from tests.integration.sql_world import SqlWorld
from tests.support.world import LONDON, local

TTL = timedelta(minutes=2)
NOON = local(date(2027, 1, 4), "12:00")


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[SqlWorld]:
    """An embedded database of its own, whatever TEST_DATABASE_URL says: this is SQLite's rule."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'rrbot.db'}"
    await upgrade(url)
    world = SqlWorld(url, SimulatedClock(NOON))
    yield world
    await world.aclose()


def lease(world: SqlWorld, holder: str) -> SchedulerLease:
    return SchedulerLease(world.engine, holder=holder, ttl=TTL, zone=LONDON)


def ticker(world: SqlWorld, holder: str) -> Ticker:
    return Ticker(world.services, interval_seconds=0.05, worker=holder, lease=lease(world, holder))


async def holder_row(world: SqlWorld) -> tuple[str, object] | None:
    async with world.engine.connect() as connection:
        row = (
            await connection.execute(
                select(SchedulerLeaseRow.holder, SchedulerLeaseRow.lease_until)
            )
        ).first()
    return None if row is None else (row[0], row[1])


async def test_a_second_scheduler_on_the_same_sqlite_database_is_refused(world: SqlWorld) -> None:
    first = ticker(world, "bot-a-101")
    await first.start()
    try:
        second = ticker(world, "bot-b-202")
        with pytest.raises(SchedulerAlreadyRunning) as refused:
            await second.start()
        assert str(refused.value) == (
            "another scheduler (bot-a-101) holds this database until 12:02; on SQLite only one"
            " may run — use PostgreSQL for replicas"
        )
        assert not second.running
    finally:
        await first.aclose()

    after_a_clean_stop = ticker(world, "bot-b-202")
    await after_a_clean_stop.start()
    await after_a_clean_stop.aclose()


async def test_the_lease_is_renewed_on_every_tick(world: SqlWorld) -> None:
    mine = lease(world, "bot-a-101")
    await mine.take(world.clock.now())
    assert await holder_row(world) == ("bot-a-101", NOON + TTL)

    world.clock.set(NOON + timedelta(minutes=1))
    await tick_once(world.services, worker="bot-a-101", lease=mine)

    assert await holder_row(world) == ("bot-a-101", NOON + timedelta(minutes=1) + TTL)


async def test_a_lease_that_ran_out_can_be_taken_and_the_old_holder_then_stands_down(
    world: SqlWorld,
) -> None:
    old, new = lease(world, "bot-a-101"), lease(world, "bot-b-202")
    await old.take(NOON)
    with pytest.raises(SchedulerAlreadyRunning):
        await new.take(NOON + TTL - timedelta(seconds=1))

    world.clock.set(NOON + TTL)  # bot-a-101 hung (or its host went away) for the whole lease
    await new.take(world.clock.now())

    with pytest.raises(SchedulerAlreadyRunning, match=r"\(bot-b-202\)"):
        await tick_once(world.services, worker="bot-a-101", lease=old)  # it ticks nothing
    await old.release()  # a stop by the loser does not free the winner's lease
    assert await holder_row(world) == ("bot-b-202", NOON + 2 * TTL)


async def test_a_holder_that_crashed_on_this_host_does_not_block_a_restart(
    world: SqlWorld,
) -> None:
    gone = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await gone.wait()
    await lease(world, f"{socket.gethostname()}-{gone.pid}").take(NOON)

    await lease(world, f"{socket.gethostname()}-999999999").take(NOON)  # no such process

    assert await holder_row(world) == (f"{socket.gethostname()}-999999999", NOON + TTL)


async def test_a_live_holder_on_this_host_still_blocks(world: SqlWorld) -> None:
    here = f"{socket.gethostname()}-{os.getpid()}"
    await lease(world, here).take(NOON)
    with pytest.raises(SchedulerAlreadyRunning):
        await lease(world, "bot-b-202").take(NOON)


async def test_the_lease_outlives_a_few_ticks() -> None:
    assert lease_ttl(30) == timedelta(seconds=90)
    assert lease_ttl(300) == timedelta(minutes=15)


async def serving(url: str) -> Container:
    """What `rrbot serve` builds, on `url`."""
    directory = load_directory()
    transcript = Transcript()
    return await build(
        Settings(_env_file=None, database_url=url),
        chat=ConsoleChat(directory, transcript),
        calendar=InMemoryCalendar(),
        mail=ConsoleMail(directory, transcript),
        clock=SimulatedClock(NOON),
    )


async def test_serve_wiring_leases_the_sqlite_database_to_this_process(tmp_path: Path) -> None:
    container = await serving(f"sqlite+aiosqlite:///{tmp_path / 'rrbot.db'}")
    ticker = ticker_for(container, interval_seconds=30)
    await ticker.start()
    try:
        elsewhere = SchedulerLease(container.engine, holder="bot-b-202", ttl=TTL, zone=LONDON)
        with pytest.raises(SchedulerAlreadyRunning, match=re.escape(f"({this_process()})")):
            await elsewhere.take(NOON)
    finally:
        await ticker.aclose()
        await container.aclose()


@pytest.mark.postgres_only
async def test_serve_wiring_runs_replicas_freely_on_postgresql(database_url: str) -> None:
    first, second = await serving(database_url), await serving(database_url)
    tickers = [ticker_for(c, interval_seconds=0.05) for c in (first, second)]
    try:
        for ticker in tickers:
            await ticker.start()
        await asyncio.sleep(0.3)
        assert all(t.ticks >= 1 for t in tickers)
    finally:
        for ticker in tickers:
            await ticker.aclose()
        await first.aclose()
        await second.aclose()

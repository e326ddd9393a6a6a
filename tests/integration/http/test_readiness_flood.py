"""/readyz under a flood of probes: answers are shared, so the database sees one pooled
connection, never one per probe (300 probes once took every PostgreSQL connection and held a
notification back 15 s)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.pool import NullPool

from bot.adapters.clock import SimulatedClock
from bot.adapters.db.engine import make_engine
from bot.adapters.db.health import Readiness
from tests.integration.http.harness import NOTIFIED_AT, Running

FLOOD = 300
OTHERS = (
    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rrbot'"
    " AND datname = current_database() AND pid <> pg_backend_pid()"
)


@pytest.fixture
def connections_opened() -> Iterator[list[object]]:
    """Every database connection opened meanwhile, by any engine of this process."""
    opened: list[object] = []

    def count(*_: object) -> None:
        opened.append(1)

    event.listen(Engine, "connect", count)
    try:
        yield opened
    finally:
        event.remove(Engine, "connect", count)


async def test_a_flood_of_probes_is_answered_by_one_check_on_the_pool(
    running: Running, connections_opened: list[object]
) -> None:
    checkouts: list[object] = []
    event.listen(running.container.engine.sync_engine, "checkout", lambda *_: checkouts.append(1))
    answers = await asyncio.gather(*(running.client.get("/readyz") for _ in range(FLOOD)))
    assert {a.status_code for a in answers} == {200}
    assert len(connections_opened) <= 1  # the pool's connection (or one it opens), no more
    assert len(checkouts) == 1  # one check for them all


@pytest.mark.postgres_only
async def test_a_flood_of_probes_stays_within_the_pool_on_postgresql(running: Running) -> None:
    engine = running.container.engine
    watcher = make_engine(str(engine.url.render_as_string(hide_password=False)), poolclass=NullPool)
    counts: list[int] = []
    try:
        async with watcher.connect() as connection:
            flood = asyncio.gather(*(running.client.get("/readyz") for _ in range(FLOOD)))
            while not counts or not flood.done():  # the app's connections, as the flood runs
                counts.append(int((await connection.execute(text(OTHERS))).scalar_one()))
            answers = await flood
    finally:
        await watcher.dispose()
    assert {a.status_code for a in answers} == {200}
    # However fast the flood ends on a given machine, it never held more than the pool.
    assert max(counts) <= engine.pool.size()  # type: ignore[attr-defined]


class CountingCheck:
    """A readiness check that counts its runs and finishes only when told to."""

    def __init__(self) -> None:
        self.runs = 0
        self.release = asyncio.Event()

    async def __call__(self) -> str | None:
        self.runs += 1
        await self.release.wait()
        return None


async def test_probes_asking_while_a_check_runs_share_it_and_its_answer_is_kept_briefly() -> None:
    clock = SimulatedClock(NOTIFIED_AT)
    check = CountingCheck()
    readiness = Readiness(check, clock, kept=timedelta(seconds=2))
    waiting: list[asyncio.Task[Any]] = [asyncio.create_task(readiness.problem()) for _ in range(50)]
    await asyncio.sleep(0)  # every probe is now waiting on the one check
    check.release.set()
    assert await asyncio.gather(*waiting) == [None] * 50
    assert check.runs == 1

    clock.set(NOTIFIED_AT + timedelta(seconds=1.9))
    assert await readiness.problem() is None
    assert check.runs == 1  # still fresh
    clock.set(NOTIFIED_AT + timedelta(seconds=2))
    assert await readiness.problem() is None
    assert check.runs == 2  # stale: asked again


async def test_a_probe_that_hangs_up_does_not_cancel_the_check_the_others_wait_on() -> None:
    check = CountingCheck()
    readiness = Readiness(check, SimulatedClock(NOTIFIED_AT))
    impatient = asyncio.create_task(readiness.problem())
    patient = asyncio.create_task(readiness.problem())
    await asyncio.sleep(0)
    impatient.cancel()
    check.release.set()
    assert await patient is None
    assert check.runs == 1

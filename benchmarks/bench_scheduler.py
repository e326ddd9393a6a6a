"""Scheduler speed on PostgreSQL, with 10,000 open cases' worth of planned chases (250,000
pending rows: five agencies, five rungs each) in `due_actions`:

- a tick with 500 actions due claims, performs and completes them all in < 2 s (each one a
  chat post whose id is recorded, then marked done: the exactly-once path);
- a tick with nothing due takes < 10 ms, because the claim reads the partial index
  `ix_due_actions_pending` (its plan is printed);
- memory stays flat over 1,000 empty ticks.

Skipped without TEST_DATABASE_URL. Run `pytest benchmarks/bench_scheduler.py -s
--benchmark-enable` to see the figures. The benchmark empties `due_actions` of that database.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import time
import tracemalloc
from collections.abc import Coroutine, Iterator
from datetime import date
from typing import Any, TypeVar

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import text

from bot.adapters.clock import SimulatedClock
from bot.adapters.db.migrate import upgrade
from bot.adapters.db.outbox_repository import claimable
from bot.domain.outbox import DueAction, Outcome
from bot.services.facade import Services
from schedules.performers import Performer
from schedules.scheduler import TickReport, tick_once
from tests.integration.sql_world import SqlWorld
from tests.support.world import local

URL = os.environ.get("TEST_DATABASE_URL") or None
pytestmark = pytest.mark.skipif(URL is None, reason="needs PostgreSQL: set TEST_DATABASE_URL")

OPEN_CASES = 10_000
PLANNED = OPEN_CASES * 5 * 5
DUE = 500
NOW = local(date(2027, 1, 4), "10:00")
T = TypeVar("T")

# 250,000 future rungs over the next six weeks, and 500 due in the last hour. Inserted in SQL:
# the point is the size of the table the claim reads, not how the rows got there.
PLAN = """
INSERT INTO due_actions (idempotency_key, case_ref, kind, payload, due_at, attempts)
SELECT 'BEN-RR-2027-' || lpad((n / 25)::text, 5, '0') || ':chase:' || n,
       'BEN-RR-2027-' || lpad((n / 25)::text, 5, '0'),
       'bench', '{}', CAST(:now AS timestamptz) + (1 + n % 1000) * interval '1 hour', 0
FROM generate_series(1, :planned) AS n
"""
PLAN_DUE = """
INSERT INTO due_actions (idempotency_key, case_ref, kind, payload, due_at, attempts)
SELECT 'BEN-RR-2027-DUE:' || n, 'BEN-RR-2027-DUE', 'bench', '{}',
       CAST(:now AS timestamptz) - (n % 60) * interval '1 minute', 0
FROM generate_series(1, :due) AS n
"""
FORGET_DELIVERIES = """
DELETE FROM deliveries
WHERE action_id IN (SELECT id FROM due_actions WHERE case_ref = 'BEN-RR-2027-DUE')
"""
RESET_DUE = """
UPDATE due_actions SET done_at = NULL, outcome = NULL, lease_until = NULL, leased_by = NULL,
       attempts = 0, external_id = NULL
WHERE case_ref = 'BEN-RR-2027-DUE'
"""


async def post_one(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    """A stand-in for a chase: one message to the (console) chat, nothing else."""
    await services.ctx.chat.post(channel="#bench", text=action.key)
    return Outcome.DONE, "posted"


PERFORMERS = {"bench": Performer(post_one, to_people=True)}


class Bench:
    """One event loop and one scheduler process for the whole module."""

    def __init__(self, url: str) -> None:
        self._runner = asyncio.Runner()
        self.world = self.run(self._prepare(url))

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(coro)

    async def _prepare(self, url: str) -> SqlWorld:
        await upgrade(url)
        world = SqlWorld(url, SimulatedClock(NOW))
        world.transcript.items = _Discard()  # 1,000s of posts: keep none of them
        async with world.engine.begin() as connection:
            await connection.execute(text("TRUNCATE due_actions RESTART IDENTITY CASCADE"))
            await connection.execute(text(PLAN), {"now": NOW, "planned": PLANNED})
            await connection.execute(text(PLAN_DUE), {"now": NOW, "due": DUE})
            await connection.execute(text("ANALYZE due_actions"))
        return world

    async def reset_due(self) -> None:
        async with self.world.engine.begin() as connection:
            await connection.execute(text(FORGET_DELIVERIES))
            await connection.execute(text(RESET_DUE))

    async def tick(self) -> TickReport:
        return await tick_once(self.world.services, worker="bench-1", performers=PERFORMERS)

    async def explain_claim(self) -> str:
        query = claimable(NOW, 100).compile(dialect=self.world.engine.dialect)
        params = tuple(query.params[name] for name in query.positiontup or ())
        async with self.world.engine.connect() as connection:
            plan = await connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + str(query), params
            )
            lines = [row[0] for row in plan]
            await connection.rollback()  # ANALYZE really locked what it found: let it go
        return "\n".join(lines)

    def close(self) -> None:
        self.run(self.world.aclose())
        self._runner.close()


class _Discard(list[Any]):
    def append(self, item: Any) -> None:
        pass


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    assert URL is not None
    bench = Bench(URL)
    yield bench
    bench.close()


def seconds_per_round(benchmark: BenchmarkFixture, fallback: list[float]) -> float:
    """The median round; with --benchmark-disable there are no stats, so our own timing."""
    stats = benchmark.stats
    return stats.stats.median if stats is not None else statistics.median(fallback)


def test_a_tick_with_500_due_runs_them_all_in_under_2_s(
    benchmark: BenchmarkFixture, bench: Bench
) -> None:
    reports: list[TickReport] = []
    timings: list[float] = []

    def tick() -> None:
        started = time.perf_counter()
        reports.append(bench.run(bench.tick()))
        timings.append(time.perf_counter() - started)

    benchmark.pedantic(tick, setup=lambda: bench.run(bench.reset_due()), rounds=3, iterations=1)

    seconds = seconds_per_round(benchmark, timings)
    print(f"\n500 due among {PLANNED:,} planned: {seconds * 1000:.0f} ms per tick")
    assert all(r == TickReport(done=DUE) for r in reports)
    assert seconds < 2.0, f"a tick of 500 took {seconds:.2f} s"


def test_a_tick_with_nothing_due_takes_under_10_ms_on_the_index(
    benchmark: BenchmarkFixture, bench: Bench
) -> None:
    bench.run(bench.tick())  # whatever was due is done
    timings: list[float] = []

    def tick() -> None:
        started = time.perf_counter()
        assert bench.run(bench.tick()) == TickReport()
        timings.append(time.perf_counter() - started)

    benchmark.pedantic(tick, rounds=50, iterations=1, warmup_rounds=5)

    seconds = seconds_per_round(benchmark, timings)
    plan = bench.run(bench.explain_claim())
    print(f"\nempty tick: {seconds * 1000:.2f} ms\nclaim query plan:\n{plan}")
    assert seconds < 0.010, f"an empty tick took {seconds * 1000:.1f} ms"
    assert "Index Scan using ix_due_actions_pending" in plan
    assert "Seq Scan" not in plan


def test_memory_stays_flat_over_1000_empty_ticks(bench: Bench) -> None:
    def traced_after(ticks: int) -> int:
        for _ in range(ticks):
            bench.run(bench.tick())
        gc.collect()  # count what is kept, not what merely awaits collection
        return tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        # Objects made before tracing began are replaced by traced ones during the first
        # ticks (the pool's connections, statement caches): a one-off step, not growth.
        settled = traced_after(1000)
        growth = traced_after(1000) - settled
    finally:
        tracemalloc.stop()
    print(f"\nmemory over 1,000 empty ticks: {growth / 1024:+.1f} KiB")
    assert growth < 16 * 1024, f"grew by {growth / 1024:.0f} KiB over 1,000 ticks"

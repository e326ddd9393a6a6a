"""`rrbot export` of a whole closed case (requests, returns, chases, meeting, decision,
papers, Panel submission; three Word documents rebuilt, 22 audit lines): time to write the
archive, target < 3 s on the 2-core CI machine. On SQLite, or PostgreSQL with
TEST_DATABASE_URL.

Run: `pytest benchmarks/bench_export.py -s --benchmark-enable` (figures are printed).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from bot.adapters.clock import SimulatedClock
from bot.adapters.db.migrate import upgrade
from bot.domain.stages import Stage
from bot.services.records import Exported, export_case
from tests.integration.sql_world import SqlWorld
from tests.integration.stages_world import case_at

TARGET_S = 3.0
ROUNDS = 5


def test_exporting_a_whole_closed_case(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path / 'rrbot.db'}"
    asyncio.run(upgrade(url))
    ref = asyncio.run(case_at(url, Stage.CLOSED, external_ref=f"LA-bench-{time.time_ns()}"))
    numbers = itertools.count()

    async def once() -> Exported:
        world = SqlWorld(url, SimulatedClock(datetime(2026, 12, 7, 10, tzinfo=UTC)))
        try:
            out = tmp_path / f"export-{next(numbers)}.zip"
            return await export_case(world.ctx, case_ref=ref, by="bench", out=out)
        finally:
            await world.aclose()

    asyncio.run(once())  # python-docx's first import is not the export's cost
    started = time.perf_counter()
    exported = benchmark.pedantic(lambda: asyncio.run(once()), rounds=ROUNDS, iterations=1)
    per_round = (time.perf_counter() - started) / ROUNDS
    size = exported.path.stat().st_size
    print(
        f"\nexport of a closed case: {per_round * 1000:.0f} ms each"
        f" ({len(exported.documents)} documents, {exported.audit_lines} audit lines,"
        f" {size / 1e3:.0f} kB)"
    )
    assert per_round < TARGET_S

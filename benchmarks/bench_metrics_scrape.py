"""A /metrics scrape with 1,000 cases (about twenty years of a partnership's Rapid Reviews),
3,000 information requests and 25,000 outbox rows: target < 100 ms a scrape, since Prometheus
scrapes every replica every 15 to 60 s and the figures are read from the database each time.

On SQLite by default; on PostgreSQL when TEST_DATABASE_URL is set (that database is emptied
first). Run `pytest benchmarks/bench_metrics_scrape.py -s --benchmark-enable`.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert

from bot.adapters.db.migrate import upgrade
from bot.adapters.db.models import CaseRow, DueActionRow, RequestRow
from bot.domain.stages import Stage
from tests.integration.http.harness import serving, settings_for

CASES = 1_000
TARGET_S = 0.1
TOKEN = "bench-metrics-token-0123456789abcdef"
STAGES = [s.value for s in Stage]


def _rows(now: datetime) -> tuple[list[dict[str, object]], ...]:
    cases, requests, actions = [], [], []
    for n in range(CASES):
        ref = f"LLR-RR-{2000 + n // 50}-{n % 50 + 1:03d}"
        notified = date(2026, 1, 5) + timedelta(days=n % 300)
        submitted = notified + timedelta(days=20 + n % 5) if n % 3 == 0 else None
        cases.append(
            dict(ref=ref, playbook="llr", code="LLR", track="rapid_review",
                 stage=STAGES[n % len(STAGES)], notified_on=notified, received_at=now,
                 external_ref=f"X{n}", channel="", agencies=["la", "police", "gp"], members=[],
                 subject_names=[], subject_dobs=[], submitted_on=submitted, version=1)
        )  # fmt: skip
        for agency in ("la", "police", "gp"):
            requests.append(
                dict(case_ref=ref, agency=agency, due=notified + timedelta(days=14),
                     sent_on=notified, delivery="chat", state="sent", chases=[],
                     returned_on=None if n % 2 else notified)
            )  # fmt: skip
        for rung in range(25):
            due_at = now + timedelta(hours=rung * 7 - 24)
            actions.append(
                dict(idempotency_key=f"{ref}:{rung}", case_ref=ref, kind="chase", payload={},
                     due_at=due_at, planned_at=due_at, attempts=0,
                     done_at=now if rung < 10 else None)
            )  # fmt: skip
    return cases, requests, actions


def test_a_scrape_with_a_thousand_cases(tmp_path: Path) -> None:
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path / 'rrbot.db'}"
    times = asyncio.run(_scrape_times(url))
    median = statistics.median(times)
    print(f"\n/metrics with {CASES} cases on {url.split(':')[0]}: median {median * 1000:.1f} ms,"
          f" worst {max(times) * 1000:.1f} ms over {len(times)} scrapes")  # fmt: skip
    assert median < TARGET_S


async def _scrape_times(url: str) -> list[float]:
    await upgrade(url)
    settings = settings_for(url, metrics_token=TOKEN, audit_key="bench-audit-key-" + "0" * 32)
    async with serving(settings) as running:
        engine = running.container.engine
        now = datetime.now(UTC)
        cases, requests, actions = _rows(now)
        async with engine.begin() as conn:
            for table in (DueActionRow, RequestRow, CaseRow):
                await conn.execute(delete(table))
            await conn.execute(insert(CaseRow), cases)
            await conn.execute(insert(RequestRow), requests)
            await conn.execute(insert(DueActionRow), actions)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        times = []
        for _ in range(30):
            started = time.perf_counter()
            response = await running.client.get("/metrics", headers=headers)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        return times[5:]  # the first scrapes warm the connection pool and the caches

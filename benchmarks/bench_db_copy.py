"""`rrbot db copy` of 10,000 closed cases from SQLite to PostgreSQL: how long a partnership's
move off the embedded database takes (target < 10 min on the 2-core CI machine).

One case is walked to closure by the real services (requests, returns, chases, the meeting
and its invitations, papers, decision, submission: about 80 rows and 22 audit lines), then
cloned 10,000 times under new references and ids, its audit lines signed again into one
chain, so the source is a plausible 10,000-case deployment (about a million rows).

Skipped without TEST_DATABASE_URL. Run `pytest benchmarks/bench_db_copy.py -s
--benchmark-enable`. The benchmark drops every rrbot table of that database first.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from bot.adapters.db.audit_repository import GENESIS, KEYED, chain_hash
from bot.adapters.db.copy import copy_database
from bot.adapters.db.engine import make_engine, session_factory
from bot.adapters.db.migrate import downgrade, upgrade
from bot.adapters.db.models import AuditRow, Base, CaseSequenceRow
from bot.adapters.db.purge import audit_lines, case_rows
from bot.domain.stages import Stage
from tests.integration.stages_world import case_at
from tests.support.audit import TEST_AUDIT_KEY

URL = os.environ.get("TEST_DATABASE_URL") or None
CASES = 10_000
TARGET_S = 600.0
BATCH = 5_000
ID_COLUMNS = ("id", "request_id", "meeting_id", "action_id")

pytestmark = pytest.mark.skipif(URL is None, reason="needs PostgreSQL: set TEST_DATABASE_URL")


def _clone(row: dict[str, Any], old: str, new: str, n: int, step: int) -> dict[str, Any]:
    """`row` of case `old` as case number `n`: its reference, ids and keys moved along."""
    copy = dict(row)
    for column in ID_COLUMNS:
        if copy.get(column) is not None:
            copy[column] += n * step
    for column, value in copy.items():
        if isinstance(value, str) and old in value:
            copy[column] = value.replace(old, new)
        elif isinstance(value, str) and old.lower() in value:
            copy[column] = value.replace(old.lower(), new.lower())
    if "external_ref" in copy:
        copy["external_ref"] = f"LA-{n:05d}"
    return copy


async def _source(url: str) -> int:
    """The 10,000-case SQLite deployment; returns its row count (all tables)."""
    await upgrade(url)
    model = await case_at(url, Stage.CLOSED, external_ref="LA-model")
    engine = make_engine(url)
    total = 0
    try:
        async with session_factory(engine)() as session:
            rows = await case_rows(session, model)
            audit = await audit_lines(session, model)
        step = 1 + max(r["id"] for table in rows.values() for r in table if "id" in r)
        async with engine.begin() as connection:
            for table in Base.metadata.sorted_tables:
                model_rows = rows.get(table.name, [])
                if not model_rows:
                    continue
                batch: list[dict[str, Any]] = []
                for n in range(1, CASES):
                    new = f"LLR-RR-2019-{n:05d}"
                    batch += [_clone(r, model, new, n, step) for r in model_rows]
                    if len(batch) >= BATCH:
                        await connection.execute(insert(table), batch)
                        total, batch = total + len(batch), []
                await connection.execute(insert(table), batch)
                total += len(batch) + len(model_rows)
            total += await _chain(connection, audit, model)
            total += len((await connection.execute(select(CaseSequenceRow.__table__))).all())
    finally:
        await engine.dispose()
    return total


async def _chain(connection: Any, audit: list[dict[str, Any]], model: str) -> int:
    """The model's audit lines again for each clone, signed onto the end of the chain."""
    last = audit[-1] if audit else {"seq": 0, "hash": GENESIS}
    seq, prev = int(last["seq"]), str(last["hash"])
    batch: list[dict[str, Any]] = []
    written = 0
    for n in range(1, CASES):
        new = f"LLR-RR-2019-{n:05d}"
        for line in audit:
            seq += 1
            body = {k: line[k] for k in ("at", "actor", "action", "detail")}
            body["case_ref"] = new
            digest = chain_hash(prev, key=TEST_AUDIT_KEY, **body)
            batch.append({**body, "seq": seq, "prev_hash": prev, "hash": digest, "alg": KEYED})
            prev = digest
        if len(batch) >= BATCH:
            await connection.execute(insert(AuditRow), batch)
            written, batch = written + len(batch), []
    await connection.execute(insert(AuditRow), batch)
    return written + len(batch) + len(audit)


def test_copying_10000_cases_to_postgresql(tmp_path: Path) -> None:
    assert URL is not None
    source = f"sqlite+aiosqlite:///{tmp_path / 'embedded.db'}"
    started = time.perf_counter()
    rows = asyncio.run(_source(source))
    built = time.perf_counter() - started
    asyncio.run(upgrade(URL))
    asyncio.run(downgrade(URL, "base"))  # an empty server database, as a new deployment's

    started = time.perf_counter()
    copied = asyncio.run(copy_database(source, URL, TEST_AUDIT_KEY))
    took = time.perf_counter() - started

    assert copied.audit.ok, copied.audit.message
    assert copied.rows["cases"] == CASES
    assert sum(copied.rows.values()) == rows
    print(
        f"\ndb copy, {CASES:,} cases ({rows:,} rows, {copied.rows['audit_log']:,} audit lines):"
        f" {took:.1f} s including the migrations and verifying the chain"
        f" ({rows / took:,.0f} rows/s); building the source took {built:.1f} s"
    )
    assert took < TARGET_S

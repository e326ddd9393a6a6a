"""`rrbot export` then `rrbot purge` then `rrbot audit verify`, on SQLite and PostgreSQL: the
archive holds the whole record (the child's details included) readable by its owner only;
erasure removes every row of the case and leaves a tombstone, and the chain still verifies;
what retention or the date does not allow is refused, saying why."""

from __future__ import annotations

import asyncio
import hashlib
import json
import stat
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from bot.adapters.clock import SimulatedClock
from bot.adapters.db.engine import make_engine
from bot.adapters.db.purge import case_tables
from bot.cli import cli
from bot.domain.stages import Stage, Track
from bot.services.erasure import plan_purge
from tests.integration.sql_world import SqlWorld
from tests.integration.stages_world import CHILD, FAMILY, case_at
from tests.support.audit import TEST_AUDIT_KEY_TEXT

DPO = "dpo@partnership.example.org"


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("AUDIT_KEY", TEST_AUDIT_KEY_TEXT)
    return monkeypatch


def _query(url: str, sql: str) -> list[Any]:
    async def go() -> list[Any]:
        engine = make_engine(url)
        try:
            async with engine.connect() as connection:
                return list((await connection.execute(text(sql))).all())
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _rows_of(url: str, ref: str) -> dict[str, int]:
    """How many rows case `ref` has in each table (children through their parents)."""
    counts = {}
    for table in case_tables():
        column = "ref" if table.name == "cases" else "case_ref"
        if column in table.columns:
            sql = f"SELECT COUNT(*) FROM {table.name} WHERE {column} = '{ref}'"
            counts[table.name] = _query(url, sql)[0][0]
    return counts


def _detail(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else json.loads(value)


def test_a_closed_case_is_exported_then_erased_and_the_audit_chain_still_verifies(
    env: pytest.MonkeyPatch, database_url: str, tmp_path: Path
) -> None:
    ref = asyncio.run(case_at(database_url, Stage.CLOSED, external_ref="LA-2018-1"))
    other = asyncio.run(case_at(database_url, Stage.NOTIFIED, external_ref="LA-2018-2"))
    runner = CliRunner()
    out = tmp_path / f"{ref}.zip"

    exported = runner.invoke(cli, ["export", ref, "--out", str(out), "--by", DPO])

    assert exported.exit_code == 0, exported.output
    assert "readable by you alone (0600)" in exported.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        record = json.loads(archive.read(f"{ref}/record.json"))
        audit = [json.loads(line) for line in archive.read(f"{ref}/audit.jsonl").splitlines()]
        summary = archive.read(f"{ref}/documents/{ref}_combined-summary_v1.docx")
    documents = {f"{ref}_combined-summary_v1.docx", f"{ref}_panel-submission.docx"}
    documents |= {f"{ref}_covering-letter.docx"}
    assert names == {f"{ref}/record.json", f"{ref}/audit.jsonl"} | {
        f"{ref}/documents/{d}" for d in documents
    }
    assert summary.startswith(b"PK")  # a Word document
    (case,) = record["tables"]["cases"]
    assert case["subject_names"] == list(CHILD + FAMILY)  # the record holds the details
    assert (record["stage"], record["dates"]["closed_on"]) == ("closed", "2019-01-03")
    assert record["retention"]["kept_until"] == "2025-01-03"
    assert len(record["tables"]["information_requests"]) == 5
    assert [r["returned_on"] is not None for r in record["tables"]["information_requests"]] == [
        True, True, False, True, False,
    ]  # fmt: skip
    assert len(record["tables"]["decisions"]) == 1
    assert case["papers"][0]["version"] == 1
    # Rebuilt from the stored record, each document is byte for byte the one sent.
    assert {(d["name"], d["matches_what_was_sent"]) for d in record["documents"]} == {
        (name, True) for name in documents
    }
    actions = [line["action"] for line in audit]
    assert actions[0] == "case_opened" and actions[-1] == "case_closed"
    assert all(len(line["hash"]) == 64 and len(line["prev_hash"]) == 64 for line in audit)
    # Why the audit lines may stay after erasure: no form of a name is in any of them.
    assert not [n for n in CHILD + FAMILY for line in audit if n in json.dumps(line)]
    [(actor, detail)] = _query(
        database_url, "SELECT actor, detail FROM audit_log WHERE action = 'case_exported'"
    )  # one export so far
    assert actor == DPO
    assert _detail(detail)["archive_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    again = runner.invoke(cli, ["export", ref, "--out", str(out)])
    assert (again.exit_code, f"{out} already exists" in again.output) == (1, True)
    second = runner.invoke(cli, ["export", ref, "--out", str(tmp_path / "second.zip")])
    assert second.exit_code == 0, second.output  # its own earlier export is in the audit

    declined = runner.invoke(cli, ["purge", "--closed-before", "2020-01-01"], input="n\n")
    assert declined.exit_code == 1
    assert f"1 case(s) may be erased: {ref}." in declined.output
    assert sum(_rows_of(database_url, ref).values()) > 0
    lines_before = _query(database_url, f"SELECT COUNT(*) FROM audit_log WHERE case_ref = '{ref}'")

    purged = runner.invoke(cli, ["purge", "--closed-before", "2020-01-01", "--yes", "--by", DPO])

    assert purged.exit_code == 0, purged.output
    assert f"Erased {ref} (" in purged.output
    assert _rows_of(database_url, ref) == dict.fromkeys(_rows_of(database_url, ref), 0)
    assert _rows_of(database_url, other)["cases"] == 1  # still open: untouched
    kept = _query(database_url, f"SELECT COUNT(*) FROM audit_log WHERE case_ref = '{ref}'")
    assert kept[0][0] == lines_before[0][0] + 1  # its lines stay; the tombstone is added
    [(actor, detail)] = _query(
        database_url, "SELECT actor, detail FROM audit_log WHERE action = 'case_erased'"
    )
    assert actor == DPO and _detail(detail)["rows"]["cases"] == 1
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("Audit log intact")
    gone = runner.invoke(cli, ["export", ref, "--out", str(tmp_path / "again.zip")])
    assert gone.exit_code == 1


def test_purge_refuses_a_future_date_and_an_open_case_and_says_why(
    env: pytest.MonkeyPatch, database_url: str
) -> None:
    ref = asyncio.run(case_at(database_url, Stage.REQUESTS_SENT, external_ref="LA-2018-3"))
    runner = CliRunner()

    future = runner.invoke(cli, ["purge", "--closed-before", "2999-01-01", "--yes"])
    named = runner.invoke(cli, ["purge", "--closed-before", "2020-01-01", "--yes", ref])

    assert future.exit_code == 1
    assert "--closed-before 2999-01-01 is in the future" in future.output
    assert named.exit_code == 1
    assert f"Kept {ref}: it is still open." in named.output
    assert "Nothing was erased" in named.output
    assert _rows_of(database_url, ref)["cases"] == 1


async def test_a_case_inside_its_retention_period_is_kept_with_the_date_it_may_go(
    database_url: str,
) -> None:
    ref = await case_at(
        database_url, Stage.CLOSED, external_ref="REF-2018-4", track=Track.REFERRAL
    )  # a referral decided below the threshold and closed on the day it came
    world = SqlWorld(database_url, SimulatedClock(datetime(2024, 6, 3, 10, tzinfo=UTC)))
    try:
        (erasure,) = await plan_purge(world.ctx, closed_before=date(2024, 1, 1))
    finally:
        await world.aclose()

    assert (erasure.ref, erasure.allowed) == (ref, False)
    assert erasure.reason == (
        "it closed on 2018-12-14 and must be kept until 2024-12-14 (6 years after closure:"
        " no seed states a period; the default, 6 years after closure)"
    )

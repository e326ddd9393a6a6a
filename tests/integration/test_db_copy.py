"""`rrbot db copy --to URL`: a SQLite deployment with a case in every stage of both tracks
moves to the target (PostgreSQL with TEST_DATABASE_URL, else another SQLite file) table for
table, row for row; the audit chain verifies there; new cases get fresh ids; and a target
that already holds rows is refused untouched."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.adapters.db.engine import make_engine
from bot.adapters.db.migrate import upgrade
from bot.adapters.db.models import Base
from bot.cli import cli
from bot.domain.stages import Stage, Track
from tests.integration.stages_world import RAPID_REVIEW, REFERRAL, case_at
from tests.support.audit import TEST_AUDIT_KEY_TEXT


async def _deployment(url: str) -> list[str]:
    """A migrated database with one case in every stage of each track."""
    await upgrade(url)
    refs = []
    for n, stage in enumerate(RAPID_REVIEW):
        refs.append(await case_at(url, stage, external_ref=f"LA-{n}"))
    for n, stage in enumerate((*REFERRAL, Stage.CLOSED)):
        refs.append(await case_at(url, stage, external_ref=f"REF-{n}", track=Track.REFERRAL))
    return refs


async def _tables(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                table.name: [
                    dict(r._mapping)
                    for r in await connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        await engine.dispose()


@pytest.fixture
def source(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'embedded.db'}"


def test_every_table_arrives_row_for_row_and_the_audit_chain_verifies_there(
    source: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    refs = asyncio.run(_deployment(source))
    monkeypatch.setenv("DATABASE_URL", source)
    monkeypatch.setenv("AUDIT_KEY", TEST_AUDIT_KEY_TEXT)
    runner = CliRunner()

    copied = runner.invoke(cli, ["db", "copy", "--to", database_url])

    assert copied.exit_code == 0, copied.output
    assert "Audit log intact:" in copied.output
    before, after = asyncio.run(_tables(source)), asyncio.run(_tables(database_url))
    stages = {row["stage"] for row in after["cases"]}
    assert stages == {s.value for s in Stage}  # every stage of both tracks
    assert [row["ref"] for row in after["cases"]] == sorted(refs)
    for name, rows in before.items():
        assert after[name] == rows, f"table {name} differs"
    assert sum(map(len, before.values())) > 500  # requests, versions, outbox, audit ...

    again = runner.invoke(cli, ["db", "copy", "--to", database_url])
    assert again.exit_code == 1
    assert "is not empty (audit_log (" in again.output and "nothing was copied" in again.output
    assert asyncio.run(_tables(database_url)) == after

    # The copy is a working deployment: new rows take fresh ids past the copied ones.
    new = asyncio.run(case_at(database_url, Stage.CLOSED, external_ref="LA-after-copy"))
    assert new not in refs
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert runner.invoke(cli, ["audit", "verify"]).exit_code == 0


def test_a_source_behind_the_latest_schema_is_refused(
    source: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(upgrade(source, "0008"))
    monkeypatch.setenv("DATABASE_URL", source)
    monkeypatch.setenv("AUDIT_KEY", TEST_AUDIT_KEY_TEXT)

    refused = CliRunner().invoke(cli, ["db", "copy", "--to", database_url])

    assert refused.exit_code == 1
    assert "is not at the latest schema; run `rrbot db upgrade` on it first." in refused.output

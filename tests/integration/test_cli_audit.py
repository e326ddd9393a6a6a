"""`rrbot audit anchor` prints the head for a person to keep; `rrbot audit verify --anchor`
checks the log still reaches it; both need the key the server signs with."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.adapters.db.engine import make_engine, session_factory
from bot.adapters.db.uow import SqlUnitOfWork
from bot.cli import cli
from tests.support.audit import TEST_AUDIT_CHAIN, TEST_AUDIT_KEY_TEXT

AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def _append(url: str, n: int) -> None:
    """The server's appends, from outside the command under test's event loop."""

    async def go() -> None:
        engine = make_engine(url)
        try:
            async with SqlUnitOfWork(session_factory(engine), TEST_AUDIT_CHAIN) as uow:
                for i in range(n):
                    await uow.audit.append(
                        at=AT + timedelta(minutes=i),
                        actor="rrbot",
                        action="chase_sent",
                        case_ref="LLR-RR-2026-001",
                        detail={"n": i},
                    )
                await uow.commit()
        finally:
            await engine.dispose()

    asyncio.run(go())


def _remove_row_as_owner(url: str, backend: str, seq: int) -> None:
    async def go() -> None:
        engine = make_engine(url)
        try:
            async with engine.begin() as connection:
                if backend == "sqlite":
                    await connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
                else:
                    await connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
                await connection.exec_driver_sql(f"DELETE FROM audit_log WHERE seq = {seq}")
                if backend != "sqlite":
                    await connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
        finally:
            await engine.dispose()

    asyncio.run(go())


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("AUDIT_KEY", TEST_AUDIT_KEY_TEXT)
    return monkeypatch


def test_an_anchor_printed_today_exposes_rows_removed_tomorrow(
    env: pytest.MonkeyPatch, database_url: str, backend: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    _append(database_url, 3)
    printed = runner.invoke(cli, ["audit", "anchor"])
    assert printed.exit_code == 0, printed.output
    seq, hash_, at = printed.stdout.split()
    assert (seq, at) == ("3", (AT + timedelta(minutes=2)).isoformat())
    assert f"rrbot audit verify --anchor 3:{hash_}" in printed.stderr
    kept = tmp_path / "kept.txt"
    kept.write_text(printed.stdout)

    assert runner.invoke(cli, ["audit", "verify", "--anchor", f"3:{hash_}"]).exit_code == 0
    _remove_row_as_owner(database_url, backend, 3)  # the table's owner removes the last row

    unanchored = runner.invoke(cli, ["audit", "verify"])
    anchored = runner.invoke(cli, ["audit", "verify", "--anchor", str(kept)])
    assert unanchored.exit_code == 0  # the chain alone cannot tell
    assert anchored.exit_code == 1
    assert anchored.output == (
        "Audit log broken at row 3: the log ends at row 2 but an anchor was written at row 3"
        " (kept.txt line 1): the rows after 2 were removed.\n"
    )


def test_verifying_signed_rows_without_the_key_says_what_to_set(
    env: pytest.MonkeyPatch, database_url: str
) -> None:
    _append(database_url, 1)
    env.delenv("AUDIT_KEY")

    result = CliRunner().invoke(cli, ["audit", "verify"])

    assert result.exit_code == 1
    assert result.output == (
        "Error: Row 1 of the audit log is signed with the audit key, so checking it needs the"
        " key: set AUDIT_KEY or AUDIT_KEY_FILE as the server has them.\n"
    )


def test_a_malformed_anchor_is_refused_plainly(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(cli, ["audit", "verify", "--anchor", "12:not-a-hash"])
    assert bad.exit_code == 1
    assert "--anchor '12:not-a-hash' is neither a file nor SEQ:HASH" in bad.output
    garbled = tmp_path / "anchors.txt"
    garbled.write_text("# kept by the business office\n100 0123\n")
    refused = runner.invoke(cli, ["audit", "verify", "--anchor", str(garbled)])
    assert refused.exit_code == 1
    assert f"{garbled} line 2 is not an anchor: expected 'SEQ HASH [TIME]'" in refused.output

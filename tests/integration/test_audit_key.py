"""Where the audit key comes from: AUDIT_KEY, AUDIT_KEY_FILE, or (embedded SQLite only) one
generated beside the database; PostgreSQL without one is refused in one clear line."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import SecretStr
from structlog.testing import capture_logs

from bot.adapters.db.audit_key import AuditKey, AuditKeyMissing, resolve_audit_key
from bot.bootstrap import audit_chain
from bot.cli import cli
from bot.config import Settings
from bot.domain.errors import InvalidInput
from tests.support.audit import TEST_AUDIT_KEY_TEXT

PG = "postgresql+asyncpg://rrbot@127.0.0.1:5432/rrbot"
MESSAGE = "for the chain"


def _same(a: AuditKey | None, b: AuditKey | None) -> bool:
    return a is not None and b is not None and a.sign(MESSAGE) == b.sign(MESSAGE)


def test_a_key_file_holds_the_same_key_as_the_variable(tmp_path: Path) -> None:
    mounted = tmp_path / "audit_key"
    mounted.write_text(TEST_AUDIT_KEY_TEXT + "\n")  # as a container secret often ends
    from_file = resolve_audit_key(key=None, key_file=mounted, database_url=PG, create=True)
    given = resolve_audit_key(key=TEST_AUDIT_KEY_TEXT, key_file=None, database_url=PG, create=True)
    assert _same(from_file, given)
    assert repr(from_file) == "AuditKey(<hidden>)"


def test_a_short_missing_or_doubled_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="AUDIT_KEY is too short to be a secret key"):
        resolve_audit_key(key="password1", key_file=None, database_url=PG, create=True)
    missing = tmp_path / "nowhere"
    with pytest.raises(InvalidInput, match=f"AUDIT_KEY_FILE: cannot read {missing}"):
        resolve_audit_key(key=None, key_file=missing, database_url=PG, create=True)
    with pytest.raises(InvalidInput, match="Set AUDIT_KEY or AUDIT_KEY_FILE, not both"):
        resolve_audit_key(key=TEST_AUDIT_KEY_TEXT, key_file=missing, database_url=PG, create=True)


def test_embedded_sqlite_makes_its_key_once_beside_the_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rrbot.db'}"
    assert resolve_audit_key(key=None, key_file=None, database_url=url, create=False) is None

    with capture_logs() as logs:
        made = resolve_audit_key(key=None, key_file=None, database_url=url, create=True)
    again = resolve_audit_key(key=None, key_file=None, database_url=url, create=True)

    beside = tmp_path / "rrbot.db.audit-key"
    assert stat.S_IMODE(beside.stat().st_mode) == 0o600
    assert _same(made, again)
    [created] = [e for e in logs if e["event"] == "audit_key_created"]
    assert created["file"] == str(beside) and created["log_level"] == "info"
    assert beside.read_text().strip() not in str(logs)  # where, never what
    memory = resolve_audit_key(
        key=None, key_file=None, database_url="sqlite+aiosqlite://", create=True
    )
    assert memory is not None


def test_postgresql_without_a_key_is_refused_in_one_line() -> None:
    settings = Settings(_env_file=None, database_url=PG, audit_key=None)  # type: ignore[call-arg]
    with pytest.raises(AuditKeyMissing) as refused:
        audit_chain(settings)
    assert refused.value.message.startswith(
        "AUDIT_KEY is not set: on PostgreSQL the audit log is signed with a secret key"
    )
    assert "\n" not in refused.value.message
    keyed = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=PG, audit_key=SecretStr(TEST_AUDIT_KEY_TEXT)
    )
    assert audit_chain(keyed).anchor_every == 100


def test_an_anchor_file_that_cannot_be_written_is_refused_at_start(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=PG,
        audit_key=SecretStr(TEST_AUDIT_KEY_TEXT),
        audit_anchor_file=tmp_path / "no-such-folder" / "anchors.txt",
    )
    with pytest.raises(InvalidInput, match="AUDIT_ANCHOR_FILE: cannot append to"):
        audit_chain(settings)


async def test_doctor_names_a_missing_or_unreadable_key(tmp_path: Path) -> None:
    from bot.doctor import diagnose

    unreachable = "postgresql+asyncpg://rrbot@127.0.0.1:1/rrbot"
    bare = Settings(_env_file=None, database_url=unreachable, audit_key=None)  # type: ignore[call-arg]
    mounted = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=unreachable,
        audit_key=None,
        audit_key_file=tmp_path / "not-mounted",
    )
    [missing] = [f for f in await diagnose(bare) if f.name == "audit key"]
    [unread] = [f for f in await diagnose(mounted) if f.name == "audit key"]
    assert missing.line().startswith("FAIL  database audit key: AUDIT_KEY is not set")
    assert unread.line().startswith("FAIL  database audit key: AUDIT_KEY_FILE: cannot read")
    sqlite = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'r.db'}", audit_key=None
    )
    [later] = [f for f in await diagnose(sqlite) if f.name == "audit key"]
    assert later.ok is None and not (tmp_path / "r.db.audit-key").exists()


@pytest.mark.postgres_only
def test_serve_on_postgresql_refuses_to_start_without_the_key(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["serve", "--port", "3999"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: AUDIT_KEY is not set: on PostgreSQL")

"""The embedded SQLite database holds names and dates of birth: its file, and the -wal and
-shm files beside it, are readable by their owner only (0600), however the server's umask is
set; a file left readable by others is tightened at start, and the log says so."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from bot.adapters.db.migrate import upgrade
from tests.integration.http.harness import AUTH, notification, serving, settings_for


def modes(database: Path) -> dict[str, int]:
    """Permission bits of the database file and of its -wal and -shm files."""
    files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    return {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """A umask that lets anyone read new files, as many servers have."""
    saved = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(saved)


async def test_a_new_database_is_readable_by_its_owner_only(
    tmp_path: Path, permissive_umask: None
) -> None:
    database = tmp_path / "rrbot.db"
    async with serving(settings_for(f"sqlite+aiosqlite:///{database}")) as running:
        posted = await running.client.post("/notifications", json=notification(), headers=AUTH)
        assert posted.status_code == 201  # a child's name is now in the file
        assert modes(database) == {"rrbot.db": 0o600, "rrbot.db-wal": 0o600, "rrbot.db-shm": 0o600}


async def test_an_existing_database_readable_by_others_is_tightened_at_start(
    tmp_path: Path, permissive_umask: None
) -> None:
    database = tmp_path / "rrbot.db"
    await upgrade(f"sqlite+aiosqlite:///{database}")
    database.chmod(0o644)
    with capture_logs() as logs:
        async with serving(settings_for(f"sqlite+aiosqlite:///{database}")) as running:
            posted = await running.client.post("/notifications", json=notification(), headers=AUTH)
            assert posted.status_code == 201
            assert set(modes(database).values()) == {0o600}
    tightened = [e for e in logs if e["event"] == "sqlite_file_tightened"]
    assert [(e["file"], e["was"]) for e in tightened] == [(str(database), "0o644")]

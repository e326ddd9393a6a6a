"""`rrbot db wait`, a replica's initContainer: it returns once the migration Job has brought
the database to this release's head, and gives up, saying what to run, if it never does."""

from __future__ import annotations

import asyncio
import os
import subprocess

from bot.adapters.db.migrate import head_revision, upgrade
from tests.integration.serving_process import _rrbot


def db_wait(url: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_rrbot(), "db", "wait", "--timeout", str(timeout)],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_at_the_head_it_returns_at_once(database_url: str) -> None:
    done = await asyncio.to_thread(db_wait, database_url, 0)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Database is at revision {head_revision()}."


async def test_it_returns_once_the_migration_has_run_and_migrates_nothing_itself(
    unmigrated_database_url: str,
) -> None:
    waiting = asyncio.create_task(asyncio.to_thread(db_wait, unmigrated_database_url, 30))
    await asyncio.sleep(3)
    assert not waiting.done()  # still waiting: it does not migrate
    await upgrade(unmigrated_database_url)  # the migration Job
    done = await waiting
    assert done.returncode == 0, done.stderr


async def test_it_gives_up_after_its_timeout_saying_what_to_run(
    unmigrated_database_url: str,
) -> None:
    done = await asyncio.to_thread(db_wait, unmigrated_database_url, 1)
    assert done.returncode == 1
    assert "Run `rrbot db upgrade`" in done.stderr and head_revision() in done.stderr

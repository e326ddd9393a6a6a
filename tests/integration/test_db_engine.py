"""Connecting and migrating: clear words when the database is missing, and one schema history."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import (
    DatabaseUnavailable,
    check_connection,
    describe,
    make_engine,
    normalise_url,
)
from bot.adapters.db.errors import SchemaOutOfDate
from bot.adapters.db.migrate import (
    current_revision,
    ensure_schema,
    head_revision,
    is_current,
    upgrade,
)
from bot.adapters.db.models import Base


async def test_an_unreachable_postgres_is_named_without_its_password() -> None:
    with pytest.raises(DatabaseUnavailable) as refused:
        await check_connection("postgresql+asyncpg://rr:s3cret-pw@127.0.0.1:5499/rr")
    message = str(refused.value)
    assert message == (
        "Cannot reach the database at 127.0.0.1:5499/rr (postgresql): connection refused."
        " Is PostgreSQL running? Set DATABASE_URL."
    )
    assert "s3cret" not in message and "s3cret" not in repr(refused.value.__context__)


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/rr", "sqlite+pysqlite:///rr.db", "rrbot.db"]
)
async def test_a_url_for_another_database_is_refused(url: str) -> None:
    with pytest.raises(
        DatabaseUnavailable,
        match=r"^DATABASE_URL must start with sqlite\+aiosqlite:// or postgresql\+asyncpg://",
    ):
        await check_connection(url)


async def test_a_sqlite_file_in_a_missing_folder_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "rr.db"
    with pytest.raises(DatabaseUnavailable) as refused:
        await check_connection(f"sqlite+aiosqlite:///{missing}")
    assert str(refused.value) == (
        f"Cannot open the SQLite file {missing}: the folder {missing.parent} does not exist."
        " Create it or set DATABASE_URL."
    )


def test_plain_postgresql_urls_use_asyncpg() -> None:
    url = normalise_url("postgresql://rr:pw@db.example.org/rr")
    assert url.drivername == "postgresql+asyncpg"
    assert normalise_url("postgres://rr@db/rr").drivername == "postgresql+asyncpg"
    assert "pw" not in describe(url)


async def test_the_test_database_is_reachable(database_url: str) -> None:
    await check_connection(database_url)


async def test_migrations_bring_an_empty_database_to_head(unmigrated_database_url: str) -> None:
    assert await current_revision(unmigrated_database_url) is None
    assert not await is_current(unmigrated_database_url)

    await upgrade(unmigrated_database_url)

    assert await current_revision(unmigrated_database_url) == head_revision() == "0009"
    assert await is_current(unmigrated_database_url)
    await upgrade(unmigrated_database_url)  # again: nothing to do, no error


async def test_at_start_sqlite_migrates_itself_and_postgres_is_only_checked(
    unmigrated_database_url: str, backend: str
) -> None:
    if backend == "sqlite":
        await ensure_schema(unmigrated_database_url)
        assert await is_current(unmigrated_database_url)
        return
    with pytest.raises(SchemaOutOfDate) as refused:
        await ensure_schema(unmigrated_database_url)
    assert str(refused.value).endswith(
        "is at revision none (it is empty) but this rrbot needs 0009; run `rrbot db upgrade`."
    )
    assert not await is_current(unmigrated_database_url)


async def test_the_migrations_build_exactly_the_models(database_url: str) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    engine: AsyncEngine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
            indexes = await connection.run_sync(
                lambda c: {i["name"] for i in inspect(c).get_indexes("due_actions")}
            )
    finally:
        await engine.dispose()
    assert "ix_due_actions_pending" in indexes

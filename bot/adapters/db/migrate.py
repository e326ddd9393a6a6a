"""Alembic, driven from code: no alembic.ini, the URL is passed in and never written anywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from bot.adapters.db.engine import describe, is_sqlite, make_engine
from bot.adapters.db.errors import SchemaOutOfDate

MIGRATIONS = Path(__file__).with_name("migrations")
# Two replicas running `rrbot db upgrade` at once take turns instead of racing.
_MIGRATION_LOCK = 0x5252_4D49  # "RRMI"

T = TypeVar("T")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError(f"no Alembic migrations found in {MIGRATIONS}")
    return head


async def _in_transaction(url: str, work: Callable[[Connection], T]) -> T:
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


def _command(connection: Connection, run: Callable[[Config], None]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = alembic_config()
    config.attributes["connection"] = connection  # env.py runs on it, in this transaction
    run(config)


async def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`, all in one transaction where the database allows."""
    await _in_transaction(url, lambda c: _command(c, lambda cfg: command.upgrade(cfg, revision)))


async def downgrade(url: str, revision: str) -> None:
    await _in_transaction(url, lambda c: _command(c, lambda cfg: command.downgrade(cfg, revision)))


async def current_revision(url: str) -> str | None:
    """The revision the database is at; None for a database rrbot has never migrated."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    return await _in_transaction(url, read)


async def is_current(url: str) -> bool:
    return await current_revision(url) == head_revision()


async def ensure_schema(url: str) -> None:
    """At start: the embedded SQLite database migrates itself; PostgreSQL is migrated on
    purpose (`rrbot db upgrade`, one replica, one moment), so here it is only checked."""
    if is_sqlite(url):
        await upgrade(url)
        return
    current, head = await current_revision(url), head_revision()
    if current != head:
        where = describe(url)
        raise SchemaOutOfDate(
            f"{where[0].upper()}{where[1:]} is at revision {current or 'none (it is empty)'}"
            f" but this rrbot needs {head}; run `rrbot db upgrade`."
        )

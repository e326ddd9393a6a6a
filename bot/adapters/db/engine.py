"""Engines and sessions for the two supported databases, and a clear word when one is missing."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from bot.adapters.db.errors import DatabaseUnavailable
from bot.logging import get_logger

__all__ = [
    "DatabaseUnavailable",
    "check_connection",
    "describe",
    "is_sqlite",
    "make_engine",
    "normalise_url",
    "protect_sqlite_file",
    "session_factory",
]

log = get_logger(__name__)
OWNER_ONLY = 0o600  # the SQLite file holds names and dates of birth
SQLITE_BUSY_MS = 10_000  # how long a writer waits for another writer before giving up
CONNECT_TIMEOUT_S = 10
_SCHEMES = {
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "sqlite": "sqlite+aiosqlite",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}
BAD_SCHEME = "DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"


def normalise_url(url: str | URL) -> URL:
    """Parse DATABASE_URL, moving plain `postgresql://` and `sqlite://` onto the async drivers."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        raise DatabaseUnavailable(f"{BAD_SCHEME} (the value given is not a URL).") from None
    driver = _SCHEMES.get(parsed.drivername)
    if driver is None:
        raise DatabaseUnavailable(f"{BAD_SCHEME}; it starts with {parsed.drivername}://.")
    return parsed.set(drivername=driver)


def is_sqlite(url: str | URL) -> bool:
    return normalise_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: URL) -> Path | None:
    """The database file, or None for an in-memory database."""
    name = url.database or ""
    if name in ("", ":memory:") or name.startswith("file::memory:"):
        return None
    return Path(name.removeprefix("file:").split("?")[0])


def describe(url: str | URL) -> str:
    """Where the database is, in words, without the password."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_path(parsed)
        return (
            "an in-memory SQLite database" if path is None else f"the SQLite file {path.absolute()}"
        )
    host = parsed.host or parsed.query.get("host") or "localhost"  # ?host=/run/... is a socket
    where = f"{host}:{parsed.port or 5432}"
    return f"the database at {where}/{parsed.database or ''} (postgresql)"


def protect_sqlite_file(path: Path) -> None:
    """Names and dates of birth live in this file: create it readable by its owner only, and
    tighten one (or its -wal, -shm) that others may read. SQLite gives the -wal and -shm files
    the main file's permission bits whatever the umask, so those follow the file."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY)
        os.close(descriptor)  # an empty file is an empty database to SQLite
    except FileExistsError:
        pass
    except OSError:
        return  # no such folder, or not ours to write: SQLite's own open says so in words
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                file.chmod(mode & 0o700)
                log.warning("sqlite_file_tightened", file=str(file), was=oct(mode))
        except FileNotFoundError:
            continue
        except OSError as err:  # another user's file: say so, and carry on
            log.warning("sqlite_file_readable_by_others", file=str(file), error=type(err).__name__)


def make_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_path(parsed)
        if path is not None:
            protect_sqlite_file(path)
        engine = create_async_engine(parsed, **kwargs)
        _tune_sqlite(engine)
        return engine
    connect_args = {"timeout": CONNECT_TIMEOUT_S, "server_settings": {"application_name": "rrbot"}}
    return create_async_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_MS}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: SQLite then really has one writer at a
        # time, a unit of work never fails half-way upgrading a read lock, and the reads in
        # it (versions, sequences, the audit chain's last hash) cannot go stale.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Objects stay readable after commit: services render them after the unit of work ends.
    return async_sessionmaker(engine, expire_on_commit=False)


async def check_connection(url: str | URL) -> None:
    """Connect once and run `SELECT 1`, or raise DatabaseUnavailable saying what to do."""
    parsed = normalise_url(url)
    where = describe(parsed)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_path(parsed)
        if path is not None and not path.parent.is_dir():
            raise DatabaseUnavailable(
                f"Cannot open {where}: the folder {path.absolute().parent} does not exist."
                " Create it or set DATABASE_URL."
            )
    engine = make_engine(parsed, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (DBAPIError, OSError, TimeoutError) as err:
        raise DatabaseUnavailable(_explain(parsed, where, err)) from None
    finally:
        await engine.dispose()


def _explain(url: URL, where: str, err: BaseException) -> str:
    """One sentence for a failed connection. Driver messages can echo connection details,
    so only the exception's kind is used, plus our own words."""
    cause = err.orig if isinstance(err, DBAPIError) and err.orig is not None else err
    cause = cause.__cause__ or cause  # the asyncio adaptors wrap the driver's own exception
    kind = type(cause).__name__
    if url.get_backend_name() == "sqlite":
        return (
            f"Cannot open {where}: {kind}. Check the path and its permissions, or set DATABASE_URL."
        )
    if isinstance(cause, ConnectionRefusedError):
        reason = "connection refused. Is PostgreSQL running?"
    elif isinstance(cause, socket.gaierror):
        reason = "the host name was not found."
    elif isinstance(cause, TimeoutError):
        reason = "no answer in time. Is the host and port right, and the server reachable?"
    elif kind in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        reason = f"the server refused user '{url.username}'. Check the user and password."
    elif kind == "InvalidCatalogNameError":
        reason = f"there is no database '{url.database}' on that server. Create it first."
    else:
        reason = f"{kind}."
    text_ = f"Cannot reach {where}: {reason} Set DATABASE_URL."
    if (
        url.password and len(str(url.password)) > 3
    ):  # belt and braces: the password must never reach a message
        text_ = text_.replace(str(url.password), "***")
    return text_

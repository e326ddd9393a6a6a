"""Is the database ready: reachable, and at this rrbot's migration?

`database_problem(url)` answers `rrbot doctor` in words, naming where the database is (without
its password). `/readyz` asks `Readiness`: one check at a time on the server's own connection
pool, its answer kept for a moment, and no host, port or database name in what it says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import cache

from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import DatabaseUnavailable, check_connection, describe
from bot.adapters.db.migrate import current_revision, head_revision
from bot.logging import get_logger
from bot.ports import Clock

log = get_logger(__name__)
READY_TIMEOUT_S = 5.0  # under a typical probe's timeout, so it hears the reason
# Probes (and anyone else: /readyz is open) asking within this long share one answer.
READY_ANSWER_KEPT = timedelta(seconds=2)
UNREACHABLE = "The database cannot be reached; the server's log says why."


@cache
def _head() -> str:
    return head_revision()  # reads the migration scripts: once per process is enough


def _behind(current: str | None) -> str | None:
    if current == _head():
        return None
    return (
        f"The database is at migration {current or 'none (it is empty)'} but this rrbot"
        f" needs {_head()}; run `rrbot db upgrade`."
    )


async def database_problem(url: str) -> str | None:
    """Why the database is not ready, in words without its password; None when it is."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_S):
            await check_connection(url)
            current = await current_revision(url)
    except DatabaseUnavailable as err:
        return err.message
    except TimeoutError:
        return f"The database did not answer within {READY_TIMEOUT_S:g} seconds."
    except (SQLAlchemyError, OSError) as err:  # the driver's text may hold connection details
        return f"The migration revision could not be read ({type(err).__name__})."
    return _behind(current)


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def pooled_problem(engine: AsyncEngine) -> str | None:
    """Why the database is not ready, said without where it is; None when it is. Uses one
    connection of `engine`'s pool: a probe never opens a connection of its own."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_S), engine.connect() as connection:
            current = await connection.run_sync(_revision)
    except TimeoutError:
        return f"The database did not answer within {READY_TIMEOUT_S:g} seconds."
    except (SQLAlchemyError, OSError) as err:  # the driver's text may hold connection details
        log.warning("database_not_ready", error=type(err).__name__, at=describe(engine.url))
        return UNREACHABLE
    return _behind(current)


class Readiness:
    """The last answer while it is fresh; otherwise one check, shared by every caller that
    asks while it runs (single flight), so a flood of probes costs one pooled connection."""

    def __init__(
        self,
        check: Callable[[], Awaitable[str | None]],
        clock: Clock,
        *,
        kept: timedelta = READY_ANSWER_KEPT,
    ) -> None:
        self._check = check
        self._clock = clock
        self._kept = kept
        self._answer: tuple[datetime, str | None] | None = None
        self._running: asyncio.Task[str | None] | None = None

    async def problem(self) -> str | None:
        """None when ready, else why not."""
        if self._answer is not None:
            at, problem = self._answer
            if at <= self._clock.now() < at + self._kept:  # a clock set back is not fresh
                return problem
        if self._running is None:
            self._running = asyncio.create_task(self._refresh())
        # Shielded: a probe that hangs up must not cancel the check the others wait on.
        return await asyncio.shield(self._running)

    async def _refresh(self) -> str | None:
        try:
            problem = await self._check()
        except Exception as err:  # an answer for every waiting probe, not a 500 each
            log.error("readiness_check_failed", error=type(err).__name__)
            problem = f"The readiness check failed ({type(err).__name__})."
        finally:
            self._running = None
        self._answer = (self._clock.now(), problem)
        return problem

"""Is the database ready: reachable, and at this rrbot's migration? Said in words without the
connection's password, for /readyz and `rrbot doctor`."""

from __future__ import annotations

import asyncio
from functools import cache

from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.db.engine import DatabaseUnavailable, check_connection
from bot.adapters.db.migrate import current_revision, head_revision

READY_TIMEOUT_S = 5.0  # under a typical probe's timeout, so it hears the reason


@cache
def _head() -> str:
    return head_revision()  # reads the migration scripts: once per process is enough


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
    if current != _head():
        return (
            f"The database is at migration {current or 'none (it is empty)'} but this rrbot"
            f" needs {_head()}; run `rrbot db upgrade`."
        )
    return None

"""Turns at SQLite's one write lock, taken in the order asked, inside one process.

Every SQLite transaction begins IMMEDIATE (engine.py), so only one is open at a time. Left to
SQLite, a waiter polls with growing sleeps (up to 100 ms) while the holder's next transaction
slips in first: under a burst, intake waited seconds behind the worker opening cases. Queuing
here, first come first served, gives the lock to each waiter as soon as it is free. Other
processes still meet SQLite's own wait (`busy_timeout`), as before.
"""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.engine import SQLITE_BUSY_MS
from bot.adapters.db.errors import DatabaseUnavailable

_TURNS: WeakKeyDictionary[AsyncEngine, dict[asyncio.AbstractEventLoop, asyncio.Lock]] = (
    WeakKeyDictionary()
)


def turn_for(engine: AsyncEngine | None) -> asyncio.Lock | None:
    """The queue for this SQLite engine on the running loop; None elsewhere (PostgreSQL)."""
    if engine is None or engine.dialect.name != "sqlite":
        return None
    per_loop = _TURNS.setdefault(engine, {})
    return per_loop.setdefault(asyncio.get_running_loop(), asyncio.Lock())


async def take(turn: asyncio.Lock) -> None:
    """Wait for the turn as long as SQLite itself would wait, then say so in words."""
    try:
        async with asyncio.timeout(SQLITE_BUSY_MS / 1000):
            await turn.acquire()
    except TimeoutError:
        raise DatabaseUnavailable(
            "The embedded database stayed busy for"
            f" {SQLITE_BUSY_MS // 1000} seconds; try again shortly."
        ) from None

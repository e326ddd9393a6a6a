"""Slack events already handled, by `event_id`, shared by every process on the database.

Slack resends an event it thinks went unanswered (`X-Slack-Retry-Num`), and two replicas may
each receive a copy; the first to insert the id handles it, any other sees it was taken. Rows
are needed only while Slack may still retry (minutes), so each process deletes old ones now
and then, on the way past.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.models import SeenEventRow

KEEP = timedelta(hours=1)  # Slack's last retry comes about five minutes after the first try
PURGE_EVERY = timedelta(minutes=5)  # how often one process sweeps the expired rows
MAX_ID = 128  # the column's width; Slack's ids are about 12 characters


class SeenEvents:
    def __init__(
        self, engine: AsyncEngine, *, keep: timedelta = KEEP, purge_every: timedelta = PURGE_EVERY
    ) -> None:
        self._engine = engine
        self._keep = keep
        self._purge_every = purge_every
        self._purged_at: datetime | None = None

    async def first_sighting(self, event_id: str, now: datetime) -> bool:
        """Record `event_id`; True only for the one delivery that recorded it first."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        claim = (
            dialect.insert(SeenEventRow)
            .values(event_id=event_id[:MAX_ID], seen_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(SeenEventRow.event_id)
        )
        async with self._engine.begin() as connection:
            first = (await connection.execute(claim)).first() is not None
            if self._purged_at is None or now - self._purged_at >= self._purge_every:
                expired = delete(SeenEventRow).where(SeenEventRow.seen_at < now - self._keep)
                await connection.execute(expired)
                self._purged_at = now
        return first

"""`rrbot db wait`: block until the database answers and is at this code's migration head.

A replica's initContainer runs it, so no replica serves a schema older than its code while
the migration Job (the one writer of the schema) is still running; replicas never migrate
themselves, so two never race one Alembic upgrade.
"""

from __future__ import annotations

import asyncio
import time

from bot.adapters.db.engine import check_connection
from bot.adapters.db.errors import DatabaseUnavailable
from bot.adapters.db.migrate import current_revision, head_revision
from bot.domain.errors import DomainError
from bot.logging import get_logger

log = get_logger(__name__)
POLL_S = 2.0


class SchemaNotReady(DomainError):
    code = "schema_not_ready"


async def wait_for_head(url: str, *, timeout_s: float, poll_s: float = POLL_S) -> str:
    """The head revision, once the database is at it; SchemaNotReady after `timeout_s`."""
    head = head_revision()
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            await check_connection(url)
            revision = await current_revision(url)
            why = f"the database is at revision {revision or 'none'}, this release needs {head}"
        except DatabaseUnavailable as err:
            revision, why = None, err.message
        if revision == head:
            return head
        if time.monotonic() >= deadline:
            raise SchemaNotReady(
                f"Gave up after {timeout_s:.0f} s: {why}. Run `rrbot db upgrade` (the migration"
                " Job) against this database."
            )
        log.info("schema_waiting", reason=why)
        await asyncio.sleep(poll_s)

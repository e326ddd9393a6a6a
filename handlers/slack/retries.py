"""Each Slack event is handled once, however often it arrives.

Slack resends an event it thinks went unanswered (`X-Slack-Retry-Num`, or `retry_attempt` on
the socket) and replicas may each get a copy. Handling it twice would read a thread again and
tell a SPOC their return was "already recorded". So before any listener runs, the event's id
is claimed in the database (`seen_events`); a delivery whose id is already claimed is answered
200 with nothing else. The check is a bolt global middleware: HTTP and Socket Mode alike.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse
from sqlalchemy.exc import DBAPIError

from bot.adapters.db.seen_events import SeenEvents
from bot.logging import get_logger
from bot.ports import Clock

log = get_logger(__name__)
Next = Callable[[], Awaitable[Any]]


def once_per_event(
    seen: SeenEvents, clock: Clock
) -> Callable[[dict[str, Any], Next], Awaitable[Any]]:
    async def handle_once(body: dict[str, Any], next: Next) -> Any:  # bolt injects by name
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or not event_id:
            return await next()
        try:
            first = await seen.first_sighting(event_id, clock.now())
        except (DBAPIError, OSError) as err:
            # Better to risk a double than to drop what someone sent: handle it.
            log.warning("seen_events_unavailable", error=type(err).__name__)
            return await next()
        if not first:
            log.info("slack_event_repeat_ignored", event_id=event_id[:32])
            return BoltResponse(status=200, body="")
        return await next()

    return handle_once

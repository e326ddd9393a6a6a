"""Free/busy from getSchedule, at most 20 people a call, as `Busy` intervals in aware UTC.

The SDK builds, authenticates, retries and error-maps the request as for any other call, but
the answer is read as raw JSON: kiota's model parsing (a backing store per object) costs about
150 ms of CPU for the thousand schedule items of 25 people over a week; json.loads, 2 ms.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Sequence
from datetime import datetime
from typing import Any, cast

from kiota_abstractions.serialization.parsable_factory import ParsableFactory
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
    GetSchedulePostRequestBody,
)

from bot.adapters.graph.client import GraphConnection, call
from bot.adapters.graph.times import graph_time, in_utc, parse_time, utc
from bot.domain.errors import InvalidInput
from bot.domain.slots import Busy
from bot.logging import get_logger

log = get_logger(__name__)

SCHEDULES_PER_CALL = 20
VIEW_INTERVAL_MINUTES = 15
PERMISSION = "Calendars.ReadBasic"
# kiota's error mapping: "XXX" is its wildcard for any failing status (4XX and 5XX alike).
_ERRORS: dict[str, type[ParsableFactory]] = {"XXX": ODataError}


async def free_busy(
    conn: GraphConnection, people: Sequence[str], start: datetime, end: datetime
) -> dict[str, list[Busy]]:
    """Busy time per person, keyed as asked. Every status but `free` is busy: tentative,
    oof, workingElsewhere and unknown all leave a seat empty.

    A person Graph cannot answer for (not found, another organisation's diary hidden) comes
    back busy for the whole range: the slot finder then never counts on them, and booking
    goes on with everyone else's real diaries rather than failing outright.
    """
    window = (utc(start, "start"), utc(end, "end"))
    wanted = list(dict.fromkeys(people))
    batches = [
        wanted[i : i + SCHEDULES_PER_CALL] for i in range(0, len(wanted), SCHEDULES_PER_CALL)
    ]
    answers = await asyncio.gather(*(_schedules(conn, batch, *window) for batch in batches))
    by_address = {str(s.get("scheduleId", "")).lower(): s for a in answers for s in a}
    found: dict[str, list[Busy]] = {}
    for person in wanted:
        schedule = by_address.get(person.lower())
        if schedule is None or schedule.get("error"):
            _warn_unknown(person, schedule)
            found[person] = [Busy(*window)]
        else:
            found[person] = _busy(schedule)
    return found


async def _schedules(
    conn: GraphConnection, people: list[str], start: datetime, end: datetime
) -> list[dict[str, Any]]:
    body = GetSchedulePostRequestBody(
        schedules=people,
        start_time=graph_time(start),
        end_time=graph_time(end),
        availability_view_interval=VIEW_INTERVAL_MINUTES,
    )
    mailbox = conn.client.users.by_user_id(conn.mailbox)
    info = mailbox.calendar.get_schedule.to_post_request_information(body, in_utc())
    # kiota types this TypeVar-generic; asked for "bytes", it gives the body as it came.
    request = cast(
        "Awaitable[bytes | None]",
        conn.client.request_adapter.send_primitive_async(info, "bytes", _ERRORS),
    )
    raw = await call(conn, request, what="free/busy (getSchedule)", permission=PERMISSION)
    try:
        value = json.loads(raw or b"{}").get("value", [])
    except (ValueError, AttributeError):
        raise InvalidInput("Microsoft Graph answered getSchedule with other than JSON.") from None
    return [s for s in value if isinstance(s, dict)] if isinstance(value, list) else []


def _busy(schedule: dict[str, Any]) -> list[Busy]:
    busy: list[Busy] = []
    for item in schedule.get("scheduleItems") or []:
        if item.get("status") == "free":
            continue
        start, end = item.get("start") or {}, item.get("end") or {}
        busy.append(
            Busy(
                parse_time(start.get("dateTime"), start.get("timeZone")),
                parse_time(end.get("dateTime"), end.get("timeZone")),
            )
        )
    return sorted(busy, key=lambda b: b.start)


def _warn_unknown(person: str, schedule: dict[str, Any] | None) -> None:
    # The domain only: an address is personal data, the organisation is enough to act on.
    domain = person.rpartition("@")[2].lower() or "unknown"
    error = (schedule or {}).get("error") or {}
    code = str(error.get("responseCode") or "no_answer") if isinstance(error, dict) else "error"
    log.warning("free_busy_unknown", domain=domain, code=code, treated_as="busy all window")

"""What a Slack button carries back: `<case reference>|<what>`, read without trusting it.

A button's value comes back from the person's Slack client, so it is parsed as untrusted
input: anything the bot did not write is refused without being repeated.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.cases import parse_ref
from bot.domain.errors import InvalidInput

Body = dict[str, Any]


def slot_start(case_ref: str, detail: str) -> datetime:
    """A Book button's start time, as the bot wrote it: ISO 8601 with its offset. Anything
    else was not made by the bot (or was cut short), and is refused without being repeated."""
    unreadable = InvalidInput(
        "that Book button cannot be read (its case or time is missing or garbled), so nothing"
        " was booked. Run /rapidreview schedule for fresh slots."
    )
    if len(detail) > 40:  # the longest ISO time with an offset is 32 characters
        raise unreadable
    try:
        parse_ref(case_ref)
        start = datetime.fromisoformat(detail)
    except (InvalidInput, ValueError):
        raise unreadable from None
    if start.tzinfo is None:
        raise unreadable
    return start


def ref_or_none(text: str) -> str | None:
    """A case reference fit for a log line, or None: a button's value is not trusted."""
    try:
        return parse_ref(text)
    except InvalidInput:
        return None


def about(body: Body) -> tuple[str, str]:
    """A button's value: '<case reference>|<what>'."""
    action = (body.get("actions") or [{}])[0]
    first, _, second = str(action.get("value", "")).partition("|")
    return first, second

"""The one reader of the reply template's multi-line boxes (the Slack form, the Teams card):
a chronology, one event a line, "date | what happened | who was involved | source", and key
contacts, "name | role". Each problem names its line and what is wrong with it.

Bounded before it is read: at most CHRONOLOGY_MAX / CONTACTS_MAX lines, each of a bounded
length; lines are split on "|" and dates matched by fixed-width patterns (nothing backtracks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from pydantic import ValidationError

from bot.domain.errors import InvalidInput
from bot.domain.returns import (
    CHRONOLOGY_MAX,
    CONTACT_NAME_MAX_CHARS,
    CONTACT_ROLE_MAX_CHARS,
    CONTACTS_MAX,
    EARLIEST_EVENT,
    SOURCE_MAX_CHARS,
    WHAT_MAX_CHARS,
    WHO_MAX_CHARS,
    ChronologyEntry,
    KeyContact,
)

CHRONOLOGY_FORMAT = "date | what happened | who was involved | source"
CONTACTS_FORMAT = "name | role"
DATE_FORMATS = "2026-11-03, 03/11/2026, or a range: 2026-11-03 to 2026-11-05"
CHRONOLOGY_LINE_MAX_CHARS = 60 + WHAT_MAX_CHARS + WHO_MAX_CHARS + SOURCE_MAX_CHARS
CONTACT_LINE_MAX_CHARS = 10 + CONTACT_NAME_MAX_CHARS + CONTACT_ROLE_MAX_CHARS
DATE_PART_MAX_CHARS = 40
PROBLEMS_SHOWN = 5  # the rest are counted: the box is fixed a few lines at a time

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_RANGE = re.compile(r"\s+to\s+", re.IGNORECASE)

T = TypeVar("T")


class LinesInvalid(InvalidInput):
    """What is wrong with a box's lines, each problem naming its line."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__(" ".join(shown) + (f" (and {more} more)" if more else ""))
        self.problems = tuple(problems)


class _LineError(Exception):
    pass


def _day(text: str) -> date:
    iso, uk = _ISO.fullmatch(text), _UK.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
    else:
        shown = text if len(text) <= 30 else text[:30] + "..."
        raise _LineError(f"'{shown}' is not a date; write {DATE_FORMATS}.")
    try:
        when = date(year, month, day)
    except ValueError:
        raise _LineError(f"{text} is not a day of the calendar.") from None
    if when < EARLIEST_EVENT:
        raise _LineError(f"{text} is before {EARLIEST_EVENT.year}.")
    return when


def _dates(text: str) -> tuple[date, date | None]:
    if len(text) > DATE_PART_MAX_CHARS:  # the patterns then only ever see a few characters
        raise _LineError(f"'{text[:30]}...' is not a date; write {DATE_FORMATS}.")
    ends = _RANGE.split(text, maxsplit=2)
    if len(ends) > 2:
        raise _LineError("a date range has one 'to': 2026-11-03 to 2026-11-05.")
    on = _day(ends[0].strip())
    until = _day(ends[1].strip()) if len(ends) == 2 else None
    if until is not None and until < on:
        raise _LineError("the date range ends before it begins.")
    return on, until


def _bounded(what: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise _LineError(f"{what} has {len(text):,} characters; at most {limit:,}.")
    return text


def _entry(line: str, not_after: date | None = None) -> ChronologyEntry:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) > 4:
        raise _LineError(f"it has {len(parts)} parts; a line is {CHRONOLOGY_FORMAT}.")
    if len(parts) < 2 or not parts[1]:
        raise _LineError(f"give the date and what happened: {CHRONOLOGY_FORMAT}.")
    parts += [""] * (4 - len(parts))
    on, until = _dates(parts[0])
    if not_after is not None and (until or on) > not_after:
        raise _LineError(f"{until or on} is after today: a chronology records what has happened.")
    return ChronologyEntry(
        on=on,
        until=until,
        what=_bounded("what happened", parts[1], WHAT_MAX_CHARS),
        who=_bounded("who was involved", parts[2], WHO_MAX_CHARS),
        source=_bounded("the source", parts[3], SOURCE_MAX_CHARS),
    )


def _contact(line: str) -> KeyContact:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise _LineError(f"a key contact is {CONTACTS_FORMAT}, both given.")
    return KeyContact(
        name=_bounded("the name", parts[0], CONTACT_NAME_MAX_CHARS),
        role=_bounded("the role", parts[1], CONTACT_ROLE_MAX_CHARS),
    )


def _read(
    text: str, read_line: Callable[[str], T], *, most: int, line_max: int, what: str
) -> tuple[T, ...]:
    if len(text) > most * (line_max + 2):  # before splitting anything
        raise LinesInvalid([f"The {what} is {len(text):,} characters: too long to read here."])
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line]
    if len(lines) > most:
        raise LinesInvalid([f"The {what} has {len(lines)} lines; at most {most}."])
    read: list[T] = []
    problems: list[str] = []
    for n, line in lines:
        try:
            read.append(read_line(_bounded("the line", line, line_max)))
        except _LineError as wrong:
            problems.append(f"Line {n}: {wrong}")
        except ValidationError as wrong:  # a rule of the model the line checks missed
            problems.append(f"Line {n}: {wrong.errors()[0]['msg']}.")
    if problems:
        raise LinesInvalid(problems)
    return tuple(read)


def chronology_lines(text: str, not_after: date | None = None) -> tuple[ChronologyEntry, ...]:
    """The chronology typed one event a line, blank lines skipped; with `not_after` (today),
    a line dated after it is refused too."""
    return _read(
        text,
        lambda line: _entry(line, not_after),
        most=CHRONOLOGY_MAX,
        line_max=CHRONOLOGY_LINE_MAX_CHARS,
        what="chronology",
    )


def contact_lines(text: str) -> tuple[KeyContact, ...]:
    """The key contacts typed one a line."""
    return _read(
        text, _contact, most=CONTACTS_MAX, line_max=CONTACT_LINE_MAX_CHARS, what="contact list"
    )


def chronology_text(entries: tuple[ChronologyEntry, ...]) -> str:
    """Entries back as the lines that read as them (to fill a form again)."""
    return "\n".join(
        " | ".join(
            [e.on.isoformat() + (f" to {e.until.isoformat()}" if e.until else ""), e.what]
            + ([e.who, e.source] if e.source else [e.who] if e.who else [])
        )
        for e in entries
    )


def contacts_text(contacts: tuple[KeyContact, ...]) -> str:
    return "\n".join(f"{c.name} | {c.role}" for c in contacts)

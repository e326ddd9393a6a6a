"""The structured agency return: what the Information Request Reply Template asks (seed 001
§4.3): how far the agency was involved, when, who its key contacts were, its chronology of
events, its analysis and learning, what it did at once to keep children safe, and whether its
records are secured.

Every field is bounded here; the Slack form, the Teams card and the Word template read their
limits from these constants. A return may be partial ("more to follow") and completed later;
each version is kept (`bot.domain.requests`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

EARLIEST_EVENT = date(1900, 1, 1)
WHAT_MAX_CHARS = 1000  # one chronology entry: what happened
WHO_MAX_CHARS = 300  # who was involved (practitioners, by role; the family as "mother" etc.)
SOURCE_MAX_CHARS = 200  # the record it comes from (system and record number)
CONTACT_NAME_MAX_CHARS = 100
CONTACT_ROLE_MAX_CHARS = 150
CONTACTS_MAX = 50
CHRONOLOGY_MAX = 500  # one agency's entries; a longer history is attached as its own document
ANALYSIS_MAX_CHARS = 10_000
LEARNING_MAX_CHARS = 5_000
ACTIONS_MAX_CHARS = 5_000


class ReturnKind(StrEnum):
    FULL = "full"  # full information return (agency summary / information report)
    FACTUAL_SUMMARY = "factual_summary"  # limited involvement (seed 001 §8.6)
    NIL = "nil"  # no involvement

    @property
    def label(self) -> str:
        return {
            "full": "full information return",
            "factual_summary": "factual summary",
            "nil": "nil return (no involvement)",
        }[self.value]


class Involvement(StrEnum):
    NONE = "none"
    LIMITED = "limited"
    FULL = "full"

    @property
    def kind(self) -> ReturnKind:
        """The kind of return this involvement makes (nil, factual summary, full)."""
        return {
            Involvement.NONE: ReturnKind.NIL,
            Involvement.LIMITED: ReturnKind.FACTUAL_SUMMARY,
            Involvement.FULL: ReturnKind.FULL,
        }[self]

    @property
    def label(self) -> str:
        return {"none": "none", "limited": "limited", "full": "full"}[self.value]


_FROZEN = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ChronologyEntry(BaseModel):
    """One event in the agency's involvement: a day, or a run of days."""

    model_config = _FROZEN

    on: date = Field(ge=EARLIEST_EVENT, description="the day it happened, or began")
    until: date | None = Field(default=None, description="the last day, for a range")
    what: Annotated[str, Field(min_length=1, max_length=WHAT_MAX_CHARS)]
    who: Annotated[str, Field(max_length=WHO_MAX_CHARS)] = ""
    source: Annotated[str, Field(max_length=SOURCE_MAX_CHARS)] = ""

    @model_validator(mode="after")
    def _range_runs_forward(self) -> ChronologyEntry:
        if self.until is not None and self.until < self.on:
            raise ValueError("until: a date range must end on or after the day it begins")
        return self


class KeyContact(BaseModel):
    """A practitioner the review may need to speak to, and their role."""

    model_config = _FROZEN

    name: Annotated[str, Field(min_length=1, max_length=CONTACT_NAME_MAX_CHARS)]
    role: Annotated[str, Field(min_length=1, max_length=CONTACT_ROLE_MAX_CHARS)]


class StructuredReturn(BaseModel):
    """One agency's answer to the reply template."""

    model_config = _FROZEN

    involvement: Involvement
    period_from: date | None = Field(default=None, ge=EARLIEST_EVENT)
    period_to: date | None = Field(default=None, ge=EARLIEST_EVENT)
    contacts: tuple[KeyContact, ...] = Field(default=(), max_length=CONTACTS_MAX)
    chronology: tuple[ChronologyEntry, ...] = Field(default=(), max_length=CHRONOLOGY_MAX)
    analysis: Annotated[str, Field(max_length=ANALYSIS_MAX_CHARS)] = ""
    learning: Annotated[str, Field(max_length=LEARNING_MAX_CHARS)] = ""
    safeguarding_actions: Annotated[str, Field(max_length=ACTIONS_MAX_CHARS)] = ""
    records_secured: bool | None = None  # None: not answered
    partial: bool = False  # more to follow: the agency will complete it later

    @model_validator(mode="after")
    def _says_something(self) -> StructuredReturn:
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValueError("period_to: the period of involvement must end after it begins")
        if self.involvement is not Involvement.NONE and not (
            self.analysis.strip() or self.chronology
        ):
            raise ValueError(
                "analysis: an agency that was involved gives its analysis or its chronology"
            )
        return self

    @property
    def kind(self) -> ReturnKind:
        return self.involvement.kind


def _day(entry: ChronologyEntry) -> str:
    return entry.on.isoformat() + (f" to {entry.until.isoformat()}" if entry.until else "")


def _answer(records_secured: bool | None) -> str:
    return {True: "yes", False: "no", None: "not yet"}[records_secured]


def plain_text(content: StructuredReturn) -> str:
    """The return as plain text, in the reply template's order: what the case keeps as its
    summary (the papers lay out the structure itself)."""
    lines = [f"Involvement: {content.involvement.label}" + (" (more to follow)" * content.partial)]
    if content.period_from or content.period_to:
        since = content.period_from.isoformat() if content.period_from else "?"
        until = content.period_to.isoformat() if content.period_to else "?"
        lines.append(f"Period of involvement: {since} to {until}")
    if content.contacts:
        lines.append("Key contacts:")
        lines += [f"- {c.name}, {c.role}" for c in content.contacts]
    if content.chronology:
        lines.append("Chronology:")
        lines += [
            f"- {_day(e)}: {e.what}"
            + (f" (involved: {e.who})" if e.who else "")
            + (f" [source: {e.source}]" if e.source else "")
            for e in content.chronology
        ]
    for title, text in (
        ("Analysis", content.analysis),
        ("Learning", content.learning),
        ("Immediate safeguarding actions", content.safeguarding_actions),
    ):
        if text:
            lines.append(f"{title}:\n{text}")
    lines.append(f"Records secured: {_answer(content.records_secured)}")
    return "\n".join(lines)


def after(content: StructuredReturn, day: date) -> list[int]:
    """The chronology entries (numbered from 1) dated after `day`: not yet happened."""
    return [
        n
        for n, entry in enumerate(content.chronology, start=1)
        if entry.on > day or (entry.until is not None and entry.until > day)
    ]

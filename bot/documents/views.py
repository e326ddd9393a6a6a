"""What the documents are built from: plain, frozen views the service layer fills from a
Case, the directory and the playbook. The builders in this package read nothing else (no
database, no clock), so the same views always give the same bytes.

The child's names and dates of birth (`CaseFacts.child_names`, `dates_of_birth`) are here
because the meeting papers are the one place they belong; nothing built from these views
puts them in a file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain.decision import DecisionRecord
from bot.domain.requests import Addition
from bot.domain.returns import ReturnKind, StructuredReturn


@dataclass(frozen=True, slots=True)
class AgencyName:
    code: str  # the directory's code, e.g. "police"
    name: str  # e.g. "Leicestershire Police"


class ReturnStatus(StrEnum):
    RETURNED = "returned"
    MISSING = "missing"  # not returned yet
    TO_CONFIRM = "to_confirm"  # received, waiting for the business office to confirm it

    @property
    def label(self) -> str:
        return {
            "returned": "returned",
            "missing": "NOT RETURNED",
            "to_confirm": "received, to be confirmed",
        }[self.value]


@dataclass(frozen=True, slots=True)
class CaseFacts:
    ref: str
    partnership: str  # the partnership's name: every document's header, footer and author
    track_label: str  # e.g. "Rapid Review"
    notified_on: date
    external_ref: str | None  # the notifying authority's own reference
    child_names: tuple[str, ...]  # case.subject: only ever inside a document's body
    dates_of_birth: tuple[date, ...]
    agencies: tuple[AgencyName, ...]  # the involved agencies, in the case's order
    meeting_start: datetime | None  # local time of the booked meeting, or None
    meeting_day: date | None  # the meeting's day (booked, or the day it must be held by)
    information_deadline: date
    panel_deadline: date
    referrer: str | None = None  # the referring agency's name, for a referral


@dataclass(frozen=True, slots=True)
class AgencyReturn:
    """One agency's place in the papers: its return, or the fact that it has none."""

    agency: AgencyName
    status: ReturnStatus
    kind: ReturnKind | None = None
    returned_on: date | None = None
    late_by: int = 0  # working days after the deadline it came
    overdue_by: int = 0  # working days past the deadline a missing return is
    structured: StructuredReturn | None = None  # the latest version, if any
    version: int | None = None  # that version's number
    summary: str = ""  # the free text of the return
    additions: tuple[Addition, ...] = ()

    @property
    def partial(self) -> bool:
        return self.structured is not None and self.structured.partial


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str = ""


@dataclass(frozen=True, slots=True)
class DecisionView:
    """The decision record, with the people and agencies it names by code or email resolved."""

    record: DecisionRecord
    decided_by: tuple[str, ...]  # the deciders' names, in the record's order
    agencies: tuple[AgencyName, ...]  # names for every code the record uses
    ratified_on: date | None = None
    ratified_by: tuple[str, ...] = ()
    submitted_on: date | None = None

    def agency_name(self, code: str) -> str:
        return next((a.name for a in self.agencies if a.code == code), code)

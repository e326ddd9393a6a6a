"""The case aggregate: one Rapid Review (or referral) from notification to closure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.decision import DecisionRecord
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.meeting import Meeting
from bot.domain.papers_sent import PapersSent
from bot.domain.requests import InformationRequest
from bot.domain.sensitivity import CaseSubject
from bot.domain.stages import Action, Stage, Track, next_stage

_REF = re.compile(r"^(?P<code>[A-Z]{2,8})-RR-(?P<year>\d{4})-(?P<n>\d{3,})$")


_MENTIONED = re.compile(r"\b([A-Za-z]{2,8}-RR-\d{4}-\d{3,})\b")


def ref_mentioned(text: str) -> str | None:
    """The first case reference written in `text` (an email's subject), upper-cased."""
    found = _MENTIONED.search(text)
    return found.group(1).upper() if found else None


def format_ref(code: str, year: int, number: int) -> str:
    return f"{code}-RR-{year}-{number:03d}"


def parse_ref(text: str) -> str:
    """Normalise a typed case reference (any case, stray spaces) or refuse it clearly."""
    candidate = text.strip().upper()
    if not _REF.match(candidate):
        raise InvalidInput(
            f"'{text.strip()[:40]}' is not a case reference; they look like LLR-RR-2026-014."
        )
    return candidate


def ref_year(ref: str) -> int:
    match = _REF.match(ref)
    if match is None:
        raise InvalidInput(f"'{ref}' is not a case reference")
    return int(match["year"])


@dataclass(slots=True)
class Case:
    ref: str
    playbook: str
    track: Track
    notified_on: date
    received_at: datetime
    subject: CaseSubject
    agencies: tuple[str, ...]  # involved agencies, by code
    members: frozenset[str]  # emails of the people on the case
    stage: Stage = Stage.NOTIFIED
    external_ref: str | None = None  # the notifying authority's own reference
    channel: str = ""
    requests: dict[str, InformationRequest] = field(default_factory=dict)
    meeting: Meeting | None = None
    decision: DecisionRecord | None = None
    ratified_on: date | None = None
    submitted_on: date | None = None
    closed_on: date | None = None
    threshold_met: bool | None = None  # referral track: the Case Review Group's decision
    threshold_reasons: str = ""
    # The agencies whose SPOCs the chair chose to attend the meeting for information only,
    # where more are eligible than the playbook allows (None: not chosen).
    observers: tuple[str, ...] | None = None
    referred_by: str | None = None  # the agency (code) that made the referral: told the outcome
    papers: list[PapersSent] = field(default_factory=list)  # each version of the meeting papers
    outcome_told_on: date | None = None  # the day the agencies and the referrer were told
    version: int = 0

    def apply(self, action: Action) -> Stage:
        """Move along the transition table, or refuse with where the case is and what is next."""
        self.stage = next_stage(self.ref, self.stage, action)
        return self.stage

    def request_for(self, agency: str) -> InformationRequest:
        request = self.requests.get(agency)
        if request is None:
            known = ", ".join(sorted(self.requests)) or "none yet"
            raise NotFound(
                f"{self.ref} has no information request to '{agency}' (sent to: {known})."
            )
        return request

    def open_requests(self) -> list[InformationRequest]:
        return [r for r in self.requests.values() if r.is_open]

    def is_member(self, email: str) -> bool:
        return email.lower() in {m.lower() for m in self.members}

"""Information requests to each involved agency, their chasing and their returns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

from bot.domain.errors import DomainError, IllegalTransition, NotFound
from bot.domain.playbook import ChaseStepKind
from bot.domain.returns import ReturnKind, StructuredReturn, plain_text

__all__ = ["ReturnKind"]  # it lives with the return; requests and their callers name it here too


class RequestState(StrEnum):
    SENT = "sent"
    REMINDED = "reminded"
    CHASED = "chased"
    ESCALATED = "escalated"
    RETURNED = "returned"


_NIL = re.compile(r"(nil\b|no involvement\b|not known to (us|this agency|the agency)\b)")
_SUMMARY = re.compile(r"factual summary\b")


def reply_kind(text: str) -> ReturnKind:
    """What a return typed in chat is, read from how it opens: "Nil return", "No
    involvement" or "Not known to us" is a nil return, "Factual summary: ..." a factual
    summary, and anything else (a file included) the agency's full return."""
    opening = text.strip().lower().lstrip("*_> ")
    if _NIL.match(opening):
        return ReturnKind.NIL
    if _SUMMARY.match(opening):
        return ReturnKind.FACTUAL_SUMMARY
    return ReturnKind.FULL


_STATE_AFTER_STEP = {
    ChaseStepKind.REMINDER: RequestState.REMINDED,
    ChaseStepKind.CHASE: RequestState.CHASED,
    ChaseStepKind.ESCALATE_CHAIR: RequestState.ESCALATED,
    ChaseStepKind.ESCALATE_STRATEGIC_LEAD: RequestState.ESCALATED,
    ChaseStepKind.ESCALATE_PARTNERS: RequestState.ESCALATED,
}


MAX_SUMMARY_CHARS = 20_000  # the reply template's summary, not the agency's whole record
CUT_NOTE = "\n[... cut here: the whole return is in the meeting papers.]"


def summary_of(content: StructuredReturn, files: Sequence[str] = ()) -> str:
    """A structured return as the case's summary: its plain text (with the names of the
    files sent with it), cut to MAX_SUMMARY_CHARS with a note saying where the rest is."""
    text = plain_text(content) + (f"\nFiles: {', '.join(files)}" if files else "")
    if len(text) <= MAX_SUMMARY_CHARS:
        return text
    return text[: MAX_SUMMARY_CHARS - len(CUT_NOTE)] + CUT_NOTE


class AlreadyReturned(DomainError):
    code = "already_returned"


class ReturnClosed(DomainError):
    """The papers have gone out: the return is what the meeting reads, and is added to no more."""

    code = "return_closed"


@dataclass(frozen=True, slots=True)
class ChaseRecord:
    kind: ChaseStepKind
    on: date


@dataclass(frozen=True, slots=True)
class ReturnRecorded:
    agency: str
    kind: ReturnKind
    on: date
    late_by: int  # working days after the deadline; 0 when on time
    version: int = 0  # the structured return's version it recorded; 0 for a free-text return
    partial: bool = False  # that version said more is to follow
    first: bool = True  # it recorded the agency's return (not a later version of it)


@dataclass(frozen=True, slots=True)
class Addition:
    """Something sent after the return was recorded ("attached below", then the file): kept
    beside the return, never over it."""

    on: date
    by: str  # who sent it (email)
    text: str  # what they wrote, and the names of the files they posted


@dataclass(frozen=True, slots=True)
class ReturnVersion:
    """One version of a structured return: a partial one completed later is a second version,
    and every version is kept."""

    number: int  # 1, 2, ...
    on: date
    by: str  # who sent it (email)
    content: StructuredReturn


@dataclass(slots=True)
class InformationRequest:
    agency: str
    due: date
    sent_on: date
    delivery: Literal["chat", "email"] = "chat"
    state: RequestState = RequestState.SENT
    chases: list[ChaseRecord] = field(default_factory=list)
    returned_on: date | None = None
    return_kind: ReturnKind | None = None
    summary: str = ""
    late_by: int = 0
    # Received, but not clearly from the agency (an email that does not answer our request):
    # the return it carries waits in `return_kind`/`summary` while the request stays open.
    needs_confirmation: bool = False
    additions: list[Addition] = field(default_factory=list)
    versions: list[ReturnVersion] = field(default_factory=list)  # structured returns, oldest first

    @property
    def is_open(self) -> bool:
        return self.state is not RequestState.RETURNED

    @property
    def latest(self) -> ReturnVersion | None:
        """The structured return's latest version, if one was sent."""
        return self.versions[-1] if self.versions else None

    @property
    def is_partial(self) -> bool:
        """The latest structured version said more is to follow."""
        return self.latest is not None and self.latest.content.partial

    def record_chase(self, kind: ChaseStepKind, on: date) -> None:
        if not self.is_open:
            raise IllegalTransition(
                f"The {self.agency} request was already returned; it is not chased."
            )
        if any(c.kind is kind for c in self.chases):
            return  # each ladder step happens once, however often it is retried
        self.chases.append(ChaseRecord(kind, on))
        self.state = _STATE_AFTER_STEP[kind]

    def record_return(
        self, kind: ReturnKind, on: date, late_by: int, summary: str = ""
    ) -> ReturnRecorded:
        if not self.is_open:
            raise AlreadyReturned(
                f"The {self.agency} return was already recorded on {self.returned_on:%a %d %b}"
                f" as a {self.return_kind.label if self.return_kind else 'return'}."
            )
        if kind is not ReturnKind.NIL and not summary.strip():
            raise DomainError(f"A {kind.label} needs its summary text.")
        if len(summary) > MAX_SUMMARY_CHARS:  # a typed reply can be 40,000 characters
            raise DomainError(
                f"A return's text can be at most {MAX_SUMMARY_CHARS:,} characters"
                f" (this one has {len(summary):,}): attach the full return as a file and give"
                " a summary."
            )
        self.state = RequestState.RETURNED
        self.returned_on, self.return_kind, self.summary = on, kind, summary
        self.late_by = max(late_by, 0)
        self.needs_confirmation = False
        return ReturnRecorded(self.agency, kind, on, self.late_by)

    def record_structured(
        self,
        content: StructuredReturn,
        on: date,
        late_by: int,
        by: str,
        files: Sequence[str] = (),
    ) -> ReturnRecorded:
        """The reply template, answered: the agency's return (version 1, of the kind its
        involvement makes) while the request is open, else the next version beside the earlier
        ones (a partial return completed, say). The request's kind then follows the latest
        version, and so does its summary unless that is free text sent before any version.
        Whether the papers have gone out is the caller's question, as for additions."""
        summary, first = summary_of(content, files), self.is_open
        if first:
            event = self.record_return(content.kind, on, late_by, summary)
        else:
            if self.versions:  # the summary is the last version's text: the new one replaces it
                self.summary = summary
            self.return_kind = content.kind
            event = ReturnRecorded(self.agency, content.kind, on, self.late_by)
        number = len(self.versions) + 1
        self.versions.append(ReturnVersion(number, on, by, content))
        return ReturnRecorded(
            event.agency,
            event.kind,
            on,
            event.late_by,
            version=number,
            partial=content.partial,
            first=first,
        )

    def add_to_return(self, text: str, on: date, by: str) -> Addition:
        """Keep `text` with the return already recorded (whether the papers have gone out is
        the caller's question: `bot.domain.papers`)."""
        if self.is_open:
            raise DomainError(f"The {self.agency} return is not recorded yet: nothing to add to.")
        if not text.strip():
            raise DomainError("Nothing to add: write something, or attach the file.")
        if len(text) > MAX_SUMMARY_CHARS:
            raise DomainError(
                f"An addition can be at most {MAX_SUMMARY_CHARS:,} characters"
                f" (this one has {len(text):,}): attach it as a file instead."
            )
        addition = Addition(on, by, text)
        self.additions.append(addition)
        return addition

    def hold_for_confirmation(self, kind: ReturnKind, summary: str) -> bool:
        """A return received but doubtful: kept for the business office to confirm, while
        the request stays open and its chase goes on. False when this very return is
        already waiting (the mailbox is read with some overlap)."""
        if not self.is_open:
            raise AlreadyReturned(
                f"The {self.agency} return was already recorded on {self.returned_on:%a %d %b}."
            )
        if self.needs_confirmation and (self.return_kind, self.summary) == (kind, summary):
            return False
        self.needs_confirmation = True
        self.return_kind, self.summary = kind, summary
        return True

    def confirmed_return(self) -> tuple[ReturnKind, str]:
        """What the business office confirms: the return that waits for it."""
        if not self.is_open:
            raise AlreadyReturned(
                f"The {self.agency} return was already recorded on {self.returned_on:%a %d %b}."
            )
        if not self.needs_confirmation or self.return_kind is None:
            raise NotFound(f"No emailed return from {self.agency} is waiting for confirmation.")
        return self.return_kind, self.summary

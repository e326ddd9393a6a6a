"""The Rapid Review meeting: its slot, invitations, responses and attendance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from bot.domain.errors import InvalidInput

MAX_REASON = 500  # characters: a cancellation reason is a sentence or two, sent to everyone


class Response(StrEnum):
    NONE = "none"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


@dataclass(slots=True)
class Invitation:
    email: str
    information_only: bool = False
    response: Response = Response.NONE


@dataclass(slots=True)
class Meeting:
    start: datetime  # aware UTC
    end: datetime
    day: int  # working day of the case
    event_id: str = ""
    ical_uid: str = ""  # the same in every invitee's calendar
    join_url: str | None = None  # the Teams link, when the calendar made one
    invitations: dict[str, Invitation] = field(default_factory=dict)
    attended: frozenset[str] | None = None
    held_on: date | None = None

    def invite(self, email: str, information_only: bool = False) -> Invitation:
        invitation = self.invitations.get(email)
        if invitation is None:
            invitation = self.invitations[email] = Invitation(email, information_only)
        return invitation

    def respond(self, email: str, response: Response) -> Response:
        """Record a response; returns the previous one."""
        invitation = self.invitations.get(email)
        if invitation is None:
            raise KeyError(email)
        previous, invitation.response = invitation.response, response
        return previous

    def expected(self) -> frozenset[str]:
        """Invitees who may come: accepted, tentative or not yet answered."""
        return frozenset(
            e for e, i in self.invitations.items() if i.response is not Response.DECLINED
        )

    def confirmed(self) -> frozenset[str]:
        return frozenset(e for e, i in self.invitations.items() if i.response is Response.ACCEPTED)

    def information_only(self) -> frozenset[str]:
        return frozenset(e for e, i in self.invitations.items() if i.information_only)


def booking_transaction_id(case_ref: str, sequence: int, start: datetime) -> str:
    """The calendar's idempotency key for one booking of a case's meeting.

    The same booking retried gets the same event back; each new booking (after a cancel, a
    move, a lost race) has the next `sequence`, so it can never be handed an old event that
    started at the same time."""
    return f"{case_ref}:meeting:{sequence}:{start.astimezone(UTC):%Y%m%dT%H%M}"


def cancellation_reason(text: str) -> str:
    """Why the meeting is cancelled, as the invitees will read it: said, and not an essay."""
    reason = text.strip()
    if not reason:
        raise InvalidInput("Say why the meeting is cancelled: the invitees are told.")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"The reason is {len(reason)} characters long; keep it to {MAX_REASON} (a sentence"
            " or two) and put the detail in the case channel."
        )
    return reason

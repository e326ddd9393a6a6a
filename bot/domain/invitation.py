"""Whom the Rapid Review meeting invites: the playbook's meeting audience read against the
directory and the case's agencies. The slot finder reads exactly these people's diaries, so a
slot's "N of M free" is about the people the invitation goes to.

- required: the chair, each required seat's principal (a deputy only when needed: see
  `services.meetings`), and the business officer who takes the minutes;
- optional: the independent advisor (observes, never counted) and, where the playbook has no
  information-only cap, the involved agencies' SPOCs as their agencies' representatives;
- information only: where the playbook caps them, the involved agencies' SPOCs, at most the
  cap; when more are eligible the chair chooses (`Case.observers`), and until then none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.directory import Directory, Partner, Role
from bot.domain.playbook import Audience, Playbook


@dataclass(frozen=True, slots=True)
class Observer:
    """An involved agency's SPOC who may attend for information only."""

    agency: str  # its code: what the chair types to choose it
    email: str


@dataclass(frozen=True, slots=True)
class MeetingInvitation:
    required: tuple[str, ...]
    optional: tuple[str, ...]  # includes the information-only attendees
    information_only: tuple[str, ...]
    left_out: tuple[Observer, ...]  # eligible for information only, not invited
    eligible: tuple[Observer, ...]  # everyone the chair may choose from
    cap: int | None  # at most this many information-only attendees
    chosen: bool  # the chair chose the information-only attendees

    @property
    def everyone(self) -> tuple[str, ...]:
        return self.required + self.optional


def meeting_invitation(
    playbook: Playbook,
    directory: Directory,
    agencies: Sequence[str],
    observers: Sequence[str] | None = None,
) -> MeetingInvitation:
    """The invitation for a case involving `agencies`; `observers` are the agency codes the
    chair chose to attend for information only (None: not chosen)."""
    audience = set(playbook.meeting.audience)
    rule = playbook.quorum
    required: list[str] = []
    if Audience.CHAIR in audience or any(s.role == "chair" for s in rule.required):
        required += _holders(directory, Role.CHAIR)
    seated = {s.partner for s in rule.required if s.partner is not None}
    for partner in Partner:  # the principals; their deputies only when needed
        if partner in seated or audience & _PRINCIPALS:
            required.append(directory.partner_agency(partner).decision_maker or "")
    for seat in rule.required:
        if seat.role in ("partnership_manager", "independent_advisor"):
            required += _holders(directory, Role(seat.role))
    if Audience.BUSINESS_OFFICER in audience:
        required += _holders(directory, Role.BUSINESS_OFFICER)
    required = _unique(required, ())
    optional: list[str] = []
    if Audience.INDEPENDENT_ADVISOR in audience:
        optional += _holders(directory, Role.INDEPENDENT_ADVISOR)
    spocs = [
        Observer(a.code, a.spoc)
        for code in agencies
        if (a := directory.agency(code)) is not None and a.partner is None
    ]
    eligible: tuple[Observer, ...] = ()
    invited: list[Observer] = []
    if Audience.SPOCS in audience:
        if rule.information_only_cap is None:
            optional += [o.email for o in spocs]
        else:
            taken = {e.lower() for e in [*required, *optional]}
            eligible = tuple(o for o in spocs if o.email.lower() not in taken)
            if observers is not None:
                invited = [o for o in eligible if o.agency in observers]
            elif len(eligible) <= rule.information_only_cap:
                invited = list(eligible)
    info = _unique([o.email for o in invited], required)
    optional = _unique([*optional, *info], required)
    return MeetingInvitation(
        required=tuple(required),
        optional=tuple(optional),
        information_only=tuple(info),
        left_out=tuple(o for o in eligible if o not in invited),
        eligible=eligible,
        cap=rule.information_only_cap,
        chosen=observers is not None,
    )


_PRINCIPALS = frozenset({Audience.DECISION_MAKERS, Audience.PARTNERS})


def _holders(directory: Directory, role: Role) -> list[str]:
    return [p.email for p in directory.with_role(role)]


def _unique(emails: Sequence[str], besides: Sequence[str]) -> list[str]:
    """In order, each person once (emails compared case-blind), none of `besides`."""
    seen = {e.lower() for e in besides}
    kept: list[str] = []
    for email in emails:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            kept.append(email)
    return kept

"""Quorum: who each invitee is (`Roster`) and whether the people present are quorate.

`evaluate` runs once per candidate slot, so everything that depends only on the directory is
worked out once, in `Roster.build`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.domain.directory import Agency, AgencyRole, Directory, Partner, Role
from bot.domain.errors import NotFound
from bot.domain.quorum_rule import QuorumRule, RequiredSeat


@dataclass(frozen=True, slots=True)
class Member:
    """One invitee, as far as quorum cares."""

    email: str  # as invited
    name: str
    roles: frozenset[Role]
    agencies: frozenset[str]  # codes of every agency they represent, in any agency role
    partners: frozenset[Partner]  # the safeguarding partners among those agencies
    decision_maker_for: frozenset[Partner]
    deputy_for: frozenset[Partner]
    information_only: bool = False

    @property
    def may_count(self) -> bool:
        """Counts towards agencies and partners: never information-only, never the advisor."""
        return not self.information_only and Role.INDEPENDENT_ADVISOR not in self.roles

    def fills(self, seat: RequiredSeat, deputies_count: bool) -> bool:
        if self.information_only:
            return False
        if seat.role == "decision_maker":
            partner = seat.partner
            return partner in self.decision_maker_for or (
                deputies_count and partner in self.deputy_for
            )
        return Role(seat.role) in self.roles


@dataclass(frozen=True, slots=True)
class Principal:
    """A safeguarding partner's decision maker and named deputy, invited or not."""

    decision_maker: str
    decision_maker_name: str
    deputy: str | None
    deputy_name: str | None


@dataclass(frozen=True, slots=True)
class Roster:
    members: Mapping[str, Member]  # by lower-cased email, in invitation order
    principals: Mapping[Partner, Principal]

    @classmethod
    def build(
        cls,
        directory: Directory,
        invitees: Iterable[str],
        information_only: Iterable[str] = (),
    ) -> Roster:
        observers = list(information_only)  # iterated twice; may be a generator
        info = {e.lower() for e in observers}
        members: dict[str, Member] = {}
        for email in [*invitees, *observers]:
            key = email.lower()
            if key in members:
                continue
            person = directory.person(email)
            if person is None:
                raise NotFound(
                    f"{email} is invited to the meeting but is not in the partnership"
                    " directory; add them to the directory or leave them off the invitation."
                )
            held = directory.agencies_of(email)
            members[key] = Member(
                email=email,
                name=person.name,
                roles=frozenset(person.roles),
                agencies=frozenset(a.code for a, _ in held),
                partners=frozenset(a.partner for a, _ in held if a.partner is not None),
                decision_maker_for=_partners_where(held, AgencyRole.DECISION_MAKER),
                deputy_for=_partners_where(held, AgencyRole.DEPUTY),
                information_only=key in info,
            )
        principals = {}
        for partner in Partner:
            agency = directory.partner_agency(partner)
            dm = agency.decision_maker or ""  # the directory guarantees one for partners
            principals[partner] = Principal(
                dm,
                directory.display(dm),
                agency.deputy,
                directory.display(agency.deputy) if agency.deputy else None,
            )
        return cls(members, principals)

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(m.email for m in self.members.values())

    def member(self, email: str) -> Member | None:
        return self.members.get(email.lower())

    def candidates(self, seat: RequiredSeat, deputies_count: bool) -> tuple[Member, ...]:
        """The invitees who could fill a seat."""
        return tuple(m for m in self.members.values() if m.fills(seat, deputies_count))


@dataclass(frozen=True, slots=True)
class QuorumResult:
    met: bool
    missing: tuple[str, ...]  # one plain-English sentence per shortfall
    counted: frozenset[str]  # present people who counted for agencies, partners or a seat
    agencies: frozenset[str] = field(default=frozenset())  # agency codes represented
    partners: frozenset[Partner] = field(default=frozenset())  # safeguarding partners

    @property
    def summary(self) -> str:
        if not self.met:
            return "Not quorate: " + "; ".join(self.missing)
        n, p = len(self.agencies), len(self.partners)
        if n == 0:  # a rule of named seats only, filled by people of no agency
            return "Quorate"
        return (
            f"Quorate: {n} partner agenc{'y' if n == 1 else 'ies'}"
            f" incl. {p} safeguarding partner{'' if p == 1 else 's'}"
        )


def evaluate(rule: QuorumRule, roster: Roster, present: Iterable[str]) -> QuorumResult:
    """Judge quorum for the people present; people not on the roster are ignored."""
    seats = rule.required
    filled = [False] * len(seats)
    agencies: set[str] = set()
    partners: set[Partner] = set()
    counted: set[str] = set()
    information_only = 0
    for email in present:
        member = roster.members.get(email.lower())
        if member is None:
            continue
        if member.information_only:
            information_only += 1
            continue
        counts = False
        if member.agencies and member.may_count:
            agencies |= member.agencies
            partners |= member.partners
            counts = True
        for i, seat in enumerate(seats):
            if member.fills(seat, rule.deputies_count):
                filled[i] = counts = True
        if counts:
            counted.add(email)
    missing = [
        _seat_missing(seat, rule, roster) for seat, ok in zip(seats, filled, strict=True) if not ok
    ]
    if len(agencies) < rule.min_partner_agencies:
        missing.append(_agencies_missing(len(agencies), rule.min_partner_agencies))
    if len(partners) < rule.min_safeguarding_partners:
        missing.append(_partners_missing(len(partners), rule.min_safeguarding_partners))
    cap = rule.information_only_cap
    if cap is not None and information_only > cap:
        missing.append(
            f"{information_only} information-only attendees are present; at most {cap} may attend"
        )
    return QuorumResult(
        not missing, tuple(missing), frozenset(counted), frozenset(agencies), frozenset(partners)
    )


def _partners_where(held: list[tuple[Agency, AgencyRole]], role: AgencyRole) -> frozenset[Partner]:
    return frozenset(a.partner for a, r in held if r is role and a.partner is not None)


def _seat_missing(seat: RequiredSeat, rule: QuorumRule, roster: Roster) -> str:
    if seat.partner is not None and rule.deputies_count and roster.principals[seat.partner].deputy:
        return f"{seat.label} (or their deputy) is not present"
    return f"{seat.label} is not present"


def _agencies_missing(have: int, need: int) -> str:
    needed = f"{need} {'is' if need == 1 else 'are'} needed"
    if have == 0:
        return f"no partner agency is represented; {needed}"
    if have == 1:
        return f"only 1 partner agency is represented; {needed}"
    return f"only {have} partner agencies are represented; {needed}"


def _partners_missing(have: int, need: int) -> str:
    needed = f"{need} {'is' if need == 1 else 'are'} needed"
    if have == 0:
        return f"none of the 3 safeguarding partners is represented; {needed}"
    verb = "is" if have == 1 else "are"
    return f"only {have} of the 3 safeguarding partners {verb} represented; {needed}"

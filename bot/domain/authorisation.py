"""Who may do what: roles from the directory, membership from the case."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.cases import Case
from bot.domain.directory import AgencyRole, Directory, Role
from bot.domain.errors import NotAuthorised, NotFound

SYSTEM = "rrbot"  # the bot itself, acting from its schedule or an authenticated webhook


class Operation(StrEnum):
    OPEN_CASE = "open a case"
    VIEW_CASE = "see this case"
    SEND_REQUESTS = "send the information requests"
    RECORD_RETURN = "record an agency's return"
    CHASE = "chase an agency"
    SCHEDULE = "find and book the meeting"
    RECORD_RESPONSE = "record a meeting response"
    RECORD_ATTENDANCE = "record who attended the meeting"
    RECORD_DECISION = "record the decision"
    RATIFY = "ratify the decision"
    SUBMIT = "submit to the National Panel"
    SEE_PAPERS = "ask for the meeting papers"
    CLOSE = "close the case"


_OFFICE = frozenset({Role.BUSINESS_OFFICER, Role.CHAIR, Role.PARTNERSHIP_MANAGER})
_CHAIR = frozenset({Role.CHAIR})

ALLOWED: dict[Operation, frozenset[Role]] = {
    Operation.OPEN_CASE: _OFFICE,
    Operation.VIEW_CASE: frozenset(Role),  # any member of the case; see `authorise`
    Operation.SEND_REQUESTS: _OFFICE,
    Operation.RECORD_RETURN: _OFFICE,  # and the agency's own SPOC
    Operation.CHASE: _OFFICE,
    Operation.SCHEDULE: _OFFICE,
    Operation.RECORD_RESPONSE: _OFFICE,  # and the invitee themself
    Operation.RECORD_ATTENDANCE: _OFFICE,
    Operation.RECORD_DECISION: _CHAIR,
    Operation.RATIFY: _CHAIR,
    Operation.SUBMIT: _OFFICE,
    Operation.SEE_PAPERS: _OFFICE,  # the papers hold the child's details: the office only
    Operation.CLOSE: _OFFICE,
}


# Roles on every case (`services.cases.case_members`): they may be told a reference is unknown.
SEES_EVERY_CASE = frozenset(
    {Role.BUSINESS_OFFICER, Role.CHAIR, Role.PARTNERSHIP_MANAGER, Role.INDEPENDENT_ADVISOR}
)


def not_on_case(ref: str) -> str:
    """One answer for a case that does not exist and one the person is not on: the answer
    must not tell someone outside a case that it exists."""
    return f"No case {ref} that you are on."


def unknown_case(directory: Directory, actor: str, ref: str, err: NotFound) -> NotFound:
    """What to say of a reference with no case: precisely to those on every case (and the
    bot), otherwise the same words as for a case the person is not on."""
    person = directory.person(actor)
    if actor == SYSTEM or (person is not None and set(person.roles) & SEES_EVERY_CASE):
        return err
    return NotFound(not_on_case(ref))


def _describe(directory: Directory, actor: str) -> str:
    person = directory.person(actor)
    if person is None:
        return f"{actor} is not in the partnership directory"
    held = [r.value.replace("_", " ") for r in person.roles]
    held += [f"{a.name} {r.value.replace('_', ' ')}" for a, r in directory.agencies_of(actor)]
    return f"you hold: {', '.join(held)}" if held else "you hold no role in the directory"


def authorise(
    directory: Directory,
    actor: str,
    operation: Operation,
    case: Case | None = None,
    agency: str | None = None,
) -> None:
    """Refuse, in words, anyone without the role or not on the case."""
    if actor == SYSTEM:
        return
    if case is not None and not case.is_member(actor):  # checked first: says nothing more
        raise NotAuthorised(not_on_case(case.ref))
    if directory.person(actor) is None:
        raise NotAuthorised(
            f"Only people in the partnership directory can {operation}; {actor} is not."
        )
    if operation is Operation.VIEW_CASE:
        return
    person = directory.person(actor)
    assert person is not None
    if set(person.roles) & ALLOWED[operation]:
        return
    own_spoc = any(
        a.code == agency and r is AgencyRole.SPOC for a, r in directory.agencies_of(actor)
    )
    if operation is Operation.RECORD_RETURN and own_spoc:
        return
    needed = " or ".join(sorted(r.value.replace("_", " ") for r in ALLOWED[operation]))
    raise NotAuthorised(f"Only a {needed} can {operation}; {_describe(directory, actor)}.")

"""A SPOC's reply to their information request, wherever it is typed, and the one receipt
that answers it.

The first reply is the agency's return; what follows it (the file "attached below") is added
to that return until the papers go out. The receipt goes back the way the reply came (the
thread, the direct message, the email): the service says what happened, the surface that
heard the person answers them, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.authorisation import Operation
from bot.domain.cases import Case
from bot.domain.directory import AgencyRole
from bot.domain.papers import papers_day, papers_gone_out
from bot.domain.requests import Addition, ReturnKind, ReturnRecorded, reply_kind
from bot.domain.returns import StructuredReturn
from bot.domain.stages import Stage
from bot.services.change import read_case
from bot.services.context import ServiceContext
from bot.services.delivery import Medium
from bot.services.requests import add_to_return, record_return


@dataclass(frozen=True, slots=True)
class Reply:
    """What a reply became: the agency's return, or an addition to it."""

    case_ref: str
    agency: str
    kind: ReturnKind  # of the return it is, or adds to
    recorded: ReturnRecorded | None = None
    added: Addition | None = None
    additions: int = 0  # how many the return has now
    open_until: date | None = None  # the papers' day, while the return may still be added to


@dataclass(frozen=True, slots=True)
class Awaited:
    """A request a person can still reply to: open, or returned and open to additions."""

    case_ref: str
    agency: str
    returned: bool


def with_files(text: str, files: Sequence[str]) -> str:
    """A reply's text with the names of the files posted with it (the files stay in chat)."""
    return "\n".join([text.strip()] + ([f"Files: {', '.join(files)}"] if files else [])).strip()


async def reply_to_request(
    ctx: ServiceContext,
    *,
    case_ref: str,
    agency: str,
    text: str,
    actor: str,
    kind: ReturnKind | None = None,
    may_add: bool = True,
) -> Reply:
    """Record `text` as the agency's return (of `kind`, or of the kind its opening says), or
    add it to the return already recorded (unless `may_add` is False: *No involvement*
    pressed after a return is refused, not added)."""
    case = await read_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_RETURN, agency=agency
    )
    if case.request_for(agency).is_open or not may_add:
        kind = kind or reply_kind(text)
        event = await record_return(
            ctx, case_ref=case.ref, agency=agency, kind=kind, summary=text, actor=actor
        )
        return await _reply(ctx, case.ref, agency, recorded=event)
    added = await add_to_return(ctx, case_ref=case.ref, agency=agency, text=text, actor=actor)
    return await _reply(ctx, case.ref, agency, added=added)


async def reply_with_structured_return(
    ctx: ServiceContext,
    *,
    case_ref: str,
    agency: str,
    structured: StructuredReturn,
    actor: str,
    files: Sequence[str] = (),
) -> Reply:
    """The reply template answered (the Slack form, the Teams card, the Word template): the
    agency's return, or the next version of it (a partial return completed) until the papers
    go out. The caller gives the one receipt (`receipt`), as for a typed reply."""
    case = await read_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_RETURN, agency=agency
    )
    event = await record_return(
        ctx, case_ref=case.ref, agency=agency, actor=actor, structured=structured, files=files
    )
    return await _reply(ctx, case.ref, agency, recorded=event)


async def _reply(
    ctx: ServiceContext,
    case_ref: str,
    agency: str,
    *,
    recorded: ReturnRecorded | None = None,
    added: Addition | None = None,
) -> Reply:
    async with ctx.uow() as uow:
        case = await uow.cases.get(case_ref)
    request = case.request_for(agency)
    assert request.return_kind is not None  # recorded just now
    return Reply(
        case.ref,
        agency,
        request.return_kind,
        recorded,
        added,
        len(request.additions),
        open_until=None if _closed(ctx, case) else _papers(ctx, case),
    )


def _papers(ctx: ServiceContext, case: Case) -> date:
    return papers_day(case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays)


def _closed(ctx: ServiceContext, case: Case) -> bool:
    return papers_gone_out(
        case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays, ctx.today()
    )


async def awaited_from(ctx: ServiceContext, email: str) -> list[Awaited]:
    """The requests this person answers as their agency's SPOC that a reply could still go
    to (open, or returned but open to additions), oldest case first."""
    spoc_of = {a.code for a, role in ctx.directory.agencies_of(email) if role is AgencyRole.SPOC}
    async with ctx.uow() as uow:
        cases = await uow.cases.open_cases()
    return [
        Awaited(case.ref, request.agency, not request.is_open)
        for case in cases
        if case.stage is not Stage.CLOSED
        for request in case.requests.values()
        if request.agency in spoc_of and (request.is_open or not _closed(ctx, case))
    ]


def receipt(ctx: ServiceContext, reply: Reply, medium: Medium) -> str:
    """The one acknowledgement of a reply, in the words of the medium it goes back by."""
    if reply.added is not None:
        said = (
            f"Added to your {reply.kind.label} for {reply.case_ref}"
            f" (addition {reply.additions}, {reply.added.on:%a %d %b})."
        )
    elif reply.recorded is not None and reply.recorded.version > 1:
        said = (
            f"Thank you: version {reply.recorded.version} of your {reply.kind.label} for"
            f" {reply.case_ref} was recorded on {reply.recorded.on:%a %d %b}, kept with the"
            " earlier ones."
        )
    else:
        on = reply.recorded.on if reply.recorded else ctx.today()
        said = (
            f"Thank you: your {reply.kind.label} for {reply.case_ref} was recorded"
            f" on {on:%a %d %b}."
        )
    if reply.open_until is None or reply.kind is ReturnKind.NIL:
        return said
    how = (
        "reply to this email with the documents attached"
        if medium is Medium.EMAIL
        else f"post it in {ctx.chat.style.request_place}"
    )
    if reply.recorded is not None and reply.recorded.partial:
        return (
            f"{said} It says more is to follow: send the whole return the same way by"
            f" {reply.open_until:%a %d %b}, the day the papers go out; each version is kept."
        )
    return (
        f"{said} To add to it (a file, say), {how} by {reply.open_until:%a %d %b},"
        " the day the papers go out."
    )

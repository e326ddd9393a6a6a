"""Information requests: sending them, recording returns, and each rung of the chase ladder."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial

from bot.domain.authorisation import Operation
from bot.domain.cases import Case
from bot.domain.errors import DomainError, IllegalTransition, InvalidInput
from bot.domain.ladder import chase_key, plan_chases
from bot.domain.outbox import DueAction
from bot.domain.papers import papers_day, papers_gone_out
from bot.domain.playbook import Audience
from bot.domain.requests import (
    Addition,
    InformationRequest,
    ReturnClosed,
    ReturnKind,
    ReturnRecorded,
)
from bot.domain.returns import StructuredReturn, after
from bot.domain.stages import Action, Stage
from bot.ports import Button, ChatStyle, RequestThread
from bot.services.change import announce, change_case
from bot.services.context import ServiceContext
from bot.services.delivery import Medium, deliver_to_person, followed_by
from bot.services.papers import plan_papers_update
from bot.services.reminders import plan_case_reminders
from bot.services.reply_templates import HOW_TO_RETURN_IT, template_for
from bot.services.wording import plural


def how_to_answer(style: ChatStyle) -> dict[Medium, str]:
    return {
        Medium.CHAT: f"Press {style.bold('Submit return')}, or {style.reply_here} (files"
        f" welcome); press {style.bold('No involvement')} if your agency had none.",
        Medium.EMAIL: HOW_TO_RETURN_IT,
    }


async def send_information_requests(
    ctx: ServiceContext, *, case_ref: str, actor: str
) -> list[InformationRequest]:
    """Send every involved agency its request and plan its chase ladder in the outbox."""
    case = await mark_requests_sent(ctx, case_ref=case_ref, actor=actor)
    await deliver_requests(ctx, case)
    return list(case.requests.values())


async def mark_requests_sent(ctx: ServiceContext, *, case_ref: str, actor: str) -> Case:
    """Record every involved agency's request as sent and plan its chase ladder and the case's
    reminders, in one transaction; the messages themselves go out after (`deliver_requests`)."""
    today = ctx.today()
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.SEND_REQUESTS) as change:
        case = change.case
        case.apply(Action.SEND_REQUESTS)
        due = ctx.timetable(case).information_deadline
        for code in case.agencies:
            case.requests[code] = InformationRequest(
                agency=code, due=due, sent_on=today, delivery=ctx.agency(code).contact
            )
            for rung in plan_chases(ctx.playbook, ctx.workdays, case.ref, code, due):
                await change.uow.outbox.plan(
                    DueAction(
                        key=rung.key,
                        kind="chase",
                        due_at=ctx.opening_time(rung.on),
                        case_ref=case.ref,
                        payload={"agency": code, "step": rung.kind.value},
                    )
                )
        await plan_case_reminders(ctx, change.uow, case)
        change.record("requests_sent", agencies=list(case.agencies), due=due.isoformat())
    return case


async def deliver_requests(ctx: ServiceContext, case: Case) -> int:
    """Each open request to its SPOC (chat, or email for agencies outside it), then one line
    in the channel. Returns how many were delivered."""
    due = ctx.timetable(case).information_deadline
    day = ctx.day_of(case, due)
    delivered = 0
    for request in case.open_requests():
        asked = (
            f"Information request for {case.ref} ({ctx.agency_name(request.agency)}).\n"
            f"Please return the reply template by {due:%A %d %B %Y} (working day {day}):"
            " a full information return, a factual summary if your involvement was"
            " limited, or a nil return if you had none. Please also secure your records.\n"
        )
        value = f"{case.ref}|{request.agency}"
        await deliver_to_person(
            ctx,
            case,
            ctx.agency(request.agency).spoc,
            subject=f"Rapid Review information request: {case.ref}",
            text=followed_by(asked, how_to_answer(ctx.chat.style)),
            buttons=(
                Button("Submit return", "submit_return", value, primary=True),
                Button("No involvement", "no_involvement", value),
            ),
            about=RequestThread(case.ref, request.agency),
            attachments=partial(template_for, ctx, case, request.agency, due),
        )
        delivered += 1
    await announce(
        ctx,
        case,
        f"Information requests sent to {len(case.requests)} agencies; "
        f"returns are due {due:%a %d %b} (day {day}).",
    )
    return delivered


async def record_return(
    ctx: ServiceContext,
    *,
    case_ref: str,
    agency: str,
    actor: str,
    kind: ReturnKind | None = None,
    summary: str = "",
    structured: StructuredReturn | None = None,
    files: Sequence[str] = (),
) -> ReturnRecorded:
    """Record the agency's return, stop its chase and tell the case channel: free text of
    `kind`, or the `structured` reply template (version 1; a structured return sent when one
    is recorded is its next version, until the papers go out). Every return and version is
    recorded here. The person who sent it gets one receipt, from the surface they used
    (`bot.services.receipts`)."""
    today = ctx.today()
    async with change_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_RETURN, agency=agency
    ) as change:
        case = change.case
        if case.stage is Stage.CLOSED:
            raise IllegalTransition(f"{case.ref} is closed; returns are no longer recorded.")
        request = case.request_for(agency)
        late_by = ctx.workdays.between(request.due, today)
        if structured is None:
            if kind is None:
                raise DomainError("A return is either free text of a kind, or the template.")
            event = request.record_return(kind, today, late_by, summary)
        else:
            _refuse_future_events(structured, today)
            if not request.is_open and papers_gone_out(
                case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays, today
            ):
                raise ReturnClosed(closed_to_additions(ctx, case, agency))
            event = request.record_structured(structured, today, late_by, actor, files)
        await change.uow.outbox.cancel(
            key_prefix=chase_key(case.ref, agency), reason="return received", at=ctx.now()
        )
        change.record(
            "return_recorded" if event.first else "return_version_recorded",
            agency=agency,
            kind=event.kind.value,
            late_by=event.late_by,
            **_counts(structured, event),
        )
        await plan_papers_update(ctx, change.uow, case)  # after the papers: the next version
    await announce(ctx, case, _told(ctx, case, event))
    return event


def _counts(structured: StructuredReturn | None, event: ReturnRecorded) -> dict[str, object]:
    """What the audit keeps of a structured return: its shape, never its words."""
    if structured is None:
        return {}
    return {
        "version": event.version,
        "entries": len(structured.chronology),
        "contacts": len(structured.contacts),
        "partial": structured.partial,
    }


def _refuse_future_events(structured: StructuredReturn, today: date) -> None:
    ahead = after(structured, today)
    if ahead:
        numbers = ", ".join(str(n) for n in ahead[:10]) + (", ..." if len(ahead) > 10 else "")
        raise InvalidInput(
            f"Chronology {'entries' if len(ahead) > 1 else 'entry'} {numbers}"
            f" {'are' if len(ahead) > 1 else 'is'} dated after today ({today:%d %b %Y}):"
            " a chronology records what has happened."
        )


def _told(ctx: ServiceContext, case: Case, event: ReturnRecorded) -> str:
    more = " (more to follow)" if event.partial else ""
    name = ctx.agency_name(event.agency)
    if not event.first:
        return f"{name} sent version {event.version} of its return: a {event.kind.label}{more}."
    lateness = f", {plural(event.late_by, 'working day')} late" if event.late_by else ""
    outstanding = len(case.open_requests())
    return (
        f"{name} returned a {event.kind.label}{more}{lateness}. "
        f"{plural(outstanding, 'return')} outstanding."
    )


async def add_to_return(
    ctx: ServiceContext, *, case_ref: str, agency: str, text: str, actor: str
) -> Addition:
    """Keep what is sent after the return (the file "attached below") beside it, until the
    papers go out; then refuse, saying where to send it instead."""
    today = ctx.today()
    async with change_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_RETURN, agency=agency
    ) as change:
        case = change.case
        if case.stage is Stage.CLOSED:
            raise IllegalTransition(f"{case.ref} is closed; returns are no longer added to.")
        request = case.request_for(agency)
        if not request.is_open and papers_gone_out(
            case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays, today
        ):
            raise ReturnClosed(closed_to_additions(ctx, case, agency))
        addition = request.add_to_return(text, today, actor)
        change.record("return_added_to", agency=agency, addition=len(request.additions))
        await plan_papers_update(ctx, change.uow, case)
    await announce(
        ctx,
        case,
        f"{ctx.agency_name(agency)} added to its return (addition {len(request.additions)}).",
    )
    return addition


def closed_to_additions(ctx: ServiceContext, case: Case, agency: str) -> str:
    """Why an addition is refused, and where it can still go."""
    day = papers_day(case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays)
    office = ctx.audience_emails([Audience.BUSINESS_OFFICER])
    to = f"the business officer, {ctx.name(office[0])} ({office[0]})" if office else "the chair"
    return (
        f"The {ctx.agency_name(agency)} return for {case.ref} is closed to additions: the"
        f" papers for the meeting went out on {day:%a %d %b}. Please send it to {to}"
        " instead, who can bring it to the chair's attention."
    )

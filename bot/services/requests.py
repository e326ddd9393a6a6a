"""Information requests: sending them, recording returns, and each rung of the chase ladder."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.cases import Case
from bot.domain.directory import Role
from bot.domain.errors import IllegalTransition
from bot.domain.ladder import chase_key, plan_chases
from bot.domain.outbox import DueAction
from bot.domain.playbook import Audience, ChaseStepKind
from bot.domain.requests import InformationRequest, ReturnKind, ReturnRecorded
from bot.domain.stages import Action, Stage
from bot.services.change import announce, change_case
from bot.services.context import ServiceContext
from bot.services.delivery import deliver_to_person


async def send_information_requests(
    ctx: ServiceContext, *, case_ref: str, actor: str
) -> list[InformationRequest]:
    """Send every involved agency its request and plan its chase ladder in the outbox."""
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
        change.record("requests_sent", agencies=list(case.agencies), due=due.isoformat())
    day = ctx.day_of(case, due)
    for request in case.requests.values():
        await deliver_to_person(
            ctx,
            case,
            ctx.agency(request.agency).spoc,
            subject=f"Rapid Review information request: {case.ref}",
            text=(
                f"Information request for {case.ref} ({ctx.agency_name(request.agency)}).\n"
                f"Please return the reply template by {due:%A %d %B %Y} (working day {day}):"
                " a full information return, a factual summary if your involvement was"
                " limited, or a nil return if you had none. Please also secure your records."
            ),
        )
    await announce(
        ctx,
        case,
        f"Information requests sent to {len(case.requests)} agencies; "
        f"returns are due {due:%a %d %b} (day {day}).",
    )
    return list(case.requests.values())


async def record_return(
    ctx: ServiceContext,
    *,
    case_ref: str,
    agency: str,
    kind: ReturnKind,
    summary: str,
    actor: str,
) -> ReturnRecorded:
    today = ctx.today()
    async with change_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_RETURN, agency=agency
    ) as change:
        case = change.case
        if case.stage is Stage.CLOSED:
            raise IllegalTransition(f"{case.ref} is closed; returns are no longer recorded.")
        request = case.request_for(agency)
        event = request.record_return(
            kind, today, ctx.workdays.between(request.due, today), summary
        )
        await change.uow.outbox.cancel(
            key_prefix=chase_key(case.ref, agency), reason="return received", at=ctx.now()
        )
        change.record("return_recorded", agency=agency, kind=kind.value, late_by=event.late_by)
    await deliver_to_person(
        ctx,
        case,
        ctx.agency(agency).spoc,
        subject=f"Receipt: {case.ref}",
        text=f"Thank you: your {kind.label} for {case.ref} was recorded on {today:%a %d %b}.",
    )
    lateness = f", {plural(event.late_by, 'working day')} late" if event.late_by else ""
    outstanding = len(case.open_requests())
    await announce(
        ctx,
        case,
        f"{ctx.agency_name(agency)} returned a {kind.label}{lateness}. "
        f"{plural(outstanding, 'return')} outstanding.",
    )
    return event


@dataclass(frozen=True, slots=True)
class ChaseOutcome:
    sent: bool
    reason: str  # why it was dropped, or who was told


async def run_chase_step(
    ctx: ServiceContext,
    *,
    case_ref: str,
    agency: str,
    step: ChaseStepKind,
    actor: str = SYSTEM,
) -> ChaseOutcome:
    """One rung of the ladder; a rung that no longer matters is dropped, never sent."""
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.CHASE) as change:
        case = change.case
        request = case.request_for(agency)
        if not request.is_open or case.stage is Stage.CLOSED:
            change.discard()
            return ChaseOutcome(False, "the request was already returned or the case closed")
        request.record_chase(step, ctx.today())
        change.record(f"chase_{step.value}", agency=agency)
    told = await _tell_ladder_targets(ctx, case, request, step)
    await ctx.chat.update_case_card(channel=case.channel, card=ctx.card(case))
    return ChaseOutcome(True, ", ".join(told))


_STEP_TEXT = {
    ChaseStepKind.REMINDER: "Reminder: the {agency} return for {ref} is due {due} (day {day}).",
    ChaseStepKind.CHASE: "The {agency} return for {ref} is due today, {due}. Please send it now.",
    ChaseStepKind.ESCALATE_CHAIR: "Escalation to the chair: {agency} has not returned its "
    "information for {ref} (due {due}, now {late} late).",
    ChaseStepKind.ESCALATE_STRATEGIC_LEAD: "Escalation: {agency}'s information for {ref} is "
    "{late} late (due {due}). As strategic safeguarding lead, please make sure "
    "it is sent today.",
    ChaseStepKind.ESCALATE_PARTNERS: "Escalation to the safeguarding partners: {agency} has "
    "still not returned its information for {ref} (due {due}, {late} late). "
    "Formal action may be needed to meet the Panel deadline.",
}


async def _tell_ladder_targets(
    ctx: ServiceContext, case: Case, request: InformationRequest, step: ChaseStepKind
) -> list[str]:
    agency = ctx.agency(request.agency)
    late = max(ctx.workdays.between(request.due, ctx.today()), 0)
    text = _STEP_TEXT[step].format(
        agency=agency.name,
        ref=case.ref,
        due=f"{request.due:%a %d %b}",
        day=ctx.day_of(case, request.due),
        late=plural(late, "working day"),
    )
    targets = next(s.targets for s in ctx.playbook.chase_ladder if s.kind is step)
    told: list[str] = []
    in_channel = [t for t in targets if t in _CHANNEL_AUDIENCES]
    if in_channel:  # one post in the case channel, mentioning everyone it is for
        mentions = " ".join(f"@{ctx.name(e)}" for e in _audience_emails(ctx, in_channel))
        await ctx.chat.post(channel=case.channel, text=f"{mentions} {text}".strip())
        told.append("the case channel")
    for target in (t for t in targets if t not in _CHANNEL_AUDIENCES):
        if target in (Audience.SPOC, Audience.SPOCS):
            await deliver_to_person(ctx, case, agency.spoc, subject=f"Chase: {case.ref}", text=text)
            told.append(ctx.name(agency.spoc))
        elif target is Audience.STRATEGIC_LEAD:
            await deliver_to_person(
                ctx, case, agency.strategic_lead, subject=f"Escalation: {case.ref}", text=text
            )
            told.append(ctx.name(agency.strategic_lead))
        elif target is Audience.PARTNERS:
            for email in ctx.partner_decision_makers():
                await ctx.chat.direct_message(to=email, text=text)
                told.append(ctx.name(email))
        else:
            for email in _audience_emails(ctx, [target]):
                await deliver_to_person(
                    ctx, case, email, subject=f"Rapid Review: {case.ref}", text=text
                )
                told.append(ctx.name(email))
    return told


_CHANNEL_AUDIENCES = frozenset({Audience.CHAIR, Audience.BUSINESS_OFFICER, Audience.CASE_MEMBERS})


def _audience_emails(ctx: ServiceContext, audiences: list[Audience]) -> list[str]:
    roles = {
        Audience.CHAIR: Role.CHAIR,
        Audience.BUSINESS_OFFICER: Role.BUSINESS_OFFICER,
        Audience.INDEPENDENT_ADVISOR: Role.INDEPENDENT_ADVISOR,
    }
    emails = [p.email for a in audiences if a in roles for p in ctx.directory.with_role(roles[a])]
    if Audience.DECISION_MAKERS in audiences:
        emails += ctx.partner_decision_makers()
    return list(dict.fromkeys(emails))


def plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"

"""Chasing information requests: each rung of the ladder, and a chase the chair asks for."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.cases import Case
from bot.domain.errors import InvalidInput
from bot.domain.playbook import Audience, ChaseStepKind
from bot.domain.requests import InformationRequest
from bot.domain.stages import Stage
from bot.ports import RequestThread
from bot.services.change import change_case, show_case
from bot.services.context import ServiceContext
from bot.services.delivery import Medium, deliver_to_person, followed_by
from bot.services.wording import plural

# By email a chase says how to answer it (the request's buttons and thread are chat's; in
# chat the chase sits beside the request that has them).
HOW_TO_SEND = {
    Medium.CHAT: "",
    Medium.EMAIL: " Reply to this email with your return, attaching any documents.",
}


async def chase_now(ctx: ServiceContext, *, case_ref: str, agency: str, actor: str) -> str:
    """A chase the chair or office sends at once, outside the ladder; returns who was told."""
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.CHASE) as change:
        case = change.case
        request = case.request_for(agency)
        if not request.is_open:
            raise InvalidInput(
                f"{ctx.agency_name(agency)} already returned its information on"
                f" {request.returned_on:%a %d %b}; there is nothing to chase."
            )
        change.record("chase_requested", agency=agency)
    spoc = ctx.agency(agency).spoc
    await deliver_to_person(
        ctx,
        case,
        spoc,
        subject=f"Chase: {case.ref}",
        text=followed_by(
            f"{ctx.name(actor)} asks for the {ctx.agency_name(agency)} information for"
            f" {case.ref}, due {request.due:%a %d %b}. Please send it as soon as you can.",
            HOW_TO_SEND,
        ),
        about=RequestThread(case.ref, agency),
    )
    await ctx.chat.post(
        channel=case.channel, text=f"{ctx.name(actor)} chased {ctx.agency_name(agency)}."
    )
    return spoc


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
    """One rung of the ladder; a rung that no longer matters is dropped, never sent.

    Worded for the day it goes out: a rung that runs late (after downtime) says the real
    due date and how late the return is now, never "due today" on a later day."""
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.CHASE) as change:
        case = change.case
        request = case.request_for(agency)
        if not request.is_open or case.stage is Stage.CLOSED:
            change.discard()
            return ChaseOutcome(False, "the request was already returned or the case closed")
        request.record_chase(step, ctx.today())
        change.record(f"chase_{step.value}", agency=agency)
    told = await _tell_ladder_targets(ctx, case, request, step)
    await show_case(ctx, case)
    return ChaseOutcome(True, ", ".join(told))


_CHASE_AFTER_THE_DAY = (
    "The {agency} return for {ref} was due {due} and is now {late} late. Please send it now."
)
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
    ctx: ServiceContext,
    case: Case,
    request: InformationRequest,
    step: ChaseStepKind,
) -> list[str]:
    agency = ctx.agency(request.agency)
    late = max(ctx.workdays.between(request.due, ctx.today()), 0)
    template = _STEP_TEXT[step]
    if step in (ChaseStepKind.REMINDER, ChaseStepKind.CHASE):  # run late: worded for now
        if ctx.today() > request.due:
            template = _CHASE_AFTER_THE_DAY
        elif ctx.today() == request.due:
            template = _STEP_TEXT[ChaseStepKind.CHASE]
    text = template.format(
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
        mentions = await ctx.mentions(ctx.audience_emails(in_channel))
        await ctx.chat.post(channel=case.channel, text=f"{mentions} {text}".strip())
        told.append("the case channel")
    for target in (t for t in targets if t not in _CHANNEL_AUDIENCES):
        if target in (Audience.SPOC, Audience.SPOCS):
            await deliver_to_person(
                ctx,
                case,
                agency.spoc,
                subject=f"Chase: {case.ref}",
                text=followed_by(text, HOW_TO_SEND),
                about=RequestThread(case.ref, agency.code),  # a reply to it is the return
            )
            told.append(ctx.name(agency.spoc))
        elif target is Audience.STRATEGIC_LEAD:
            await deliver_to_person(
                ctx, case, agency.strategic_lead, subject=f"Escalation: {case.ref}", text=text
            )
            told.append(ctx.name(agency.strategic_lead))
        elif target is Audience.PARTNERS:
            for email in ctx.partner_decision_makers():
                await deliver_to_person(
                    ctx, case, email, subject=f"Escalation: {case.ref}", text=text
                )
                told.append(ctx.name(email))
        else:
            for email in ctx.audience_emails([target]):
                await deliver_to_person(
                    ctx, case, email, subject=f"Rapid Review: {case.ref}", text=text
                )
                told.append(ctx.name(email))
    return told


_CHANNEL_AUDIENCES = frozenset({Audience.CHAIR, Audience.BUSINESS_OFFICER, Audience.CASE_MEMBERS})

"""The referral track: an agency referral below the notification threshold (seed 001 §4.9)."""

from __future__ import annotations

from bot.domain.authorisation import Operation, authorise
from bot.domain.cases import Case, parse_ref
from bot.domain.errors import InvalidInput
from bot.domain.stages import Action
from bot.services.context import ServiceContext


async def discuss_referral(ctx: ServiceContext, *, case_ref: str, actor: str) -> Case:
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.RECORD_DECISION, case)
        case.apply(Action.DISCUSS)
        await uow.cases.save(case)
        await ctx.audit(uow, actor=actor, action="referral_discussed", case_ref=case.ref)
        await uow.commit()
    due = ctx.timetable(case).panel_deadline
    await ctx.chat.post(
        channel=case.channel,
        text=f"{case.ref} discussed on {ctx.today():%a %d %b}; decision due {due:%a %d %b}.",
    )
    return case


async def decide_threshold(
    ctx: ServiceContext, *, case_ref: str, meets_threshold: bool, reasons: str, actor: str
) -> Case:
    """The Case Review Group's decision, always with its reasons."""
    if not reasons.strip():
        raise InvalidInput("Give the reasons for the decision on the referral.")
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.RECORD_DECISION, case)
        case.apply(Action.DECIDE_THRESHOLD)
        case.threshold_met, case.threshold_reasons = meets_threshold, reasons.strip()
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="threshold_decided",
            case_ref=case.ref,
            detail={"meets_threshold": meets_threshold},
        )
        await uow.commit()
    deadline = ctx.timetable(case).panel_deadline
    verdict = "meets" if meets_threshold else "does not meet"
    timing = "on time" if ctx.today() <= deadline else f"after the {deadline:%d %b} deadline"
    await ctx.chat.post(
        channel=case.channel,
        text=f"Decision on {case.ref}: the referral {verdict} the criteria ({timing}).",
    )
    return case

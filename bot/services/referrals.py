"""The referral track: an agency referral below the notification threshold (seed 001 §4.9)."""

from __future__ import annotations

from bot.domain.authorisation import Operation
from bot.domain.cases import Case
from bot.domain.errors import InvalidInput
from bot.domain.stages import Action
from bot.services.change import announce, change_case
from bot.services.context import ServiceContext


async def discuss_referral(ctx: ServiceContext, *, case_ref: str, actor: str) -> Case:
    async with change_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_DECISION
    ) as change:
        change.case.apply(Action.DISCUSS)
        change.record("referral_discussed")
    case = change.case
    due = ctx.timetable(case).panel_deadline
    await announce(
        ctx, case, f"{case.ref} discussed on {ctx.today():%a %d %b}; decision due {due:%a %d %b}."
    )
    return case


async def decide_threshold(
    ctx: ServiceContext, *, case_ref: str, meets_threshold: bool, reasons: str, actor: str
) -> Case:
    """The Case Review Group's decision, always with its reasons."""
    if not reasons.strip():
        raise InvalidInput("Give the reasons for the decision on the referral.")
    async with change_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_DECISION
    ) as change:
        case = change.case
        case.apply(Action.DECIDE_THRESHOLD)
        case.threshold_met, case.threshold_reasons = meets_threshold, reasons.strip()
        change.record("threshold_decided", meets_threshold=meets_threshold)
    deadline = ctx.timetable(case).panel_deadline
    verdict = "meets" if meets_threshold else "does not meet"
    timing = "on time" if ctx.today() <= deadline else f"after the {deadline:%d %b} deadline"
    await announce(
        ctx, case, f"Decision on {case.ref}: the referral {verdict} the criteria ({timing})."
    )
    return case

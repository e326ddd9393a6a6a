"""Who is where: each person's open cases at a glance, and strangers in a case channel."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.cases import Case
from bot.domain.rag import Standing, standing
from bot.domain.stages import Stage
from bot.logging import get_logger
from bot.services.context import ServiceContext

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CaseAtAGlance:
    ref: str
    stage: str
    next_deadline: str
    standing: Standing


async def cases_of(ctx: ServiceContext, email: str) -> list[CaseAtAGlance]:
    """The open cases this person is on (and only those), most urgent first."""
    async with ctx.uow() as uow:
        cases = [c for c in await uow.cases.open_cases() if c.is_member(email)]
    today = ctx.today()
    glances = []
    for case in cases:
        card = ctx.card(case)
        glances.append(
            CaseAtAGlance(
                case.ref,
                card.stage,
                card.next_deadline,
                standing(case, ctx.timetable(case), today, ctx.workdays),
            )
        )
    order = {"red": 0, "amber": 1, "green": 2}
    return sorted(glances, key=lambda g: (order[g.standing.rag.value], g.ref))


async def case_in_channel(ctx: ServiceContext, channel: str) -> Case | None:
    async with ctx.uow() as uow:
        return next((c for c in await uow.cases.open_cases() if c.channel == channel), None)


async def someone_joined(ctx: ServiceContext, *, channel: str, email: str | None) -> bool:
    """Alert the chair when someone who is not on the case is added to its channel (they can
    read everything in it). True when an alert was raised."""
    case = await case_in_channel(ctx, channel)
    if case is None or case.stage is Stage.CLOSED:
        return False
    if email is not None and case.is_member(email):
        return False
    # Someone not in the directory is named by their Slack email, which they typed themselves.
    unknown = "Someone the partnership directory does not know"
    who = ctx.chat.escape(ctx.name(email)) if email else unknown
    chairs = await ctx.mentions(ctx.chairs())
    await ctx.chat.post(
        channel=case.channel,
        text=f"{chairs} {who} was added to this channel but is not on {case.ref}. "
        "Everything here is confidential: remove them unless they should be on the case.",
    )
    async with ctx.uow() as uow:
        await ctx.audit(
            uow,
            actor="rrbot",
            action="outsider_in_channel",
            case_ref=case.ref,
            detail={"email": email or "unknown"},
        )
        await uow.commit()
    log.warning("outsider_in_channel", case_ref=case.ref)
    return True

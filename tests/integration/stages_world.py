"""Cases walked by the real services on a real database up to any stage: what `rrbot
export`, `rrbot purge` and `rrbot db copy` are tested on. Each case has its own simulated
clock (clocks never go back), all on one database; all people and details are fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.adapters.clock import SimulatedClock
from bot.domain.notification import Notification
from bot.domain.papers import PAPERS_GO_OUT_AT, papers_day
from bot.domain.requests import ReturnKind
from bot.domain.stages import Stage, Track
from bot.services.decisions import parse_decision
from schedules.runner import run_due
from tests.integration.sql_world import SqlWorld
from tests.services.test_decision_and_submission import decision_fields
from tests.support.world import CHAIR, OFFICER, local

NOTIFIED = date(2018, 12, 14)  # a Friday: closed in January 2019, past 6 years' retention
CHILD = ("Zoë Brontë",)
FAMILY = ("Testperson",)
RAPID_REVIEW = (
    Stage.NOTIFIED, Stage.REQUESTS_SENT, Stage.MEETING_BOOKED, Stage.MET, Stage.DECIDED,
    Stage.RATIFIED, Stage.SUBMITTED, Stage.CLOSED,
)  # fmt: skip
REFERRAL = (Stage.REFERRAL, Stage.DISCUSSED, Stage.THRESHOLD_DECIDED)


def notification(external_ref: str, notified_on: date, track: Track) -> Notification:
    return Notification.model_validate(
        {
            "external_ref": external_ref,
            "notified_on": notified_on,
            "track": track,
            "agencies": ("la", "police", "icb", "gp", "school"),
            "child_names": CHILD,
            "family_names": FAMILY,
        }
    )


async def case_at(
    url: str,
    stage: Stage,
    *,
    external_ref: str,
    track: Track = Track.RAPID_REVIEW,
    notified: date = NOTIFIED,
) -> str:
    """A new case walked to `stage` (a referral-track stage walks a referral)."""
    world = SqlWorld(url, SimulatedClock(local(notified, "10:00")))
    try:
        if stage in REFERRAL or track is Track.REFERRAL:
            return await _referral(world, stage, external_ref, notified)
        return await _rapid_review(world, stage, external_ref, notified)
    finally:
        await world.aclose()


async def _rapid_review(world: SqlWorld, stage: Stage, external_ref: str, notified: date) -> str:
    s = world.services
    opened = await s.open_case(
        notification=notification(external_ref, notified, Track.RAPID_REVIEW), actor=OFFICER
    )
    ref = opened.case.ref
    steps = RAPID_REVIEW[1 : RAPID_REVIEW.index(stage) + 1]
    if Stage.REQUESTS_SENT in steps:
        world.clock.set(world.clock.now() + timedelta(days=3))
        await s.send_information_requests(case_ref=ref, actor=OFFICER)
        for agency in ("la", "police", "gp"):
            await s.record_return(
                case_ref=ref,
                agency=agency,
                kind=ReturnKind.FULL,
                summary="Fictional.",
                actor=OFFICER,
            )
    if Stage.MEETING_BOOKED in steps:
        offer = await s.find_slots(case_ref=ref, actor=CHAIR)
        meeting = await s.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
        start = meeting.start
        world.clock.set(await _papers_time(world, ref))
        await run_due(s, worker="walk")  # version 1 of the papers goes out
    if Stage.MET in steps:
        world.clock.set(start + timedelta(hours=2))
        await s.record_attendance(case_ref=ref, present=sorted(meeting.invitations), actor=OFFICER)
    if Stage.DECIDED in steps:
        on = start.astimezone(world.ctx.zone).date().isoformat()
        record = parse_decision(decision_fields(decided_on=on))
        await s.record_decision(case_ref=ref, record=record, actor=CHAIR)
    if Stage.RATIFIED in steps:
        world.clock.set(start + timedelta(hours=3))
        await s.ratify(case_ref=ref, actor=CHAIR)
    if Stage.SUBMITTED in steps:
        await s.submit_to_panel(case_ref=ref, actor=OFFICER)
        await run_due(s, worker="walk")
    if Stage.CLOSED in steps:
        await s.close_case(case_ref=ref, actor=OFFICER)
    return ref


async def _referral(world: SqlWorld, stage: Stage, external_ref: str, notified: date) -> str:
    s = world.services
    opened = await s.open_case(
        notification=notification(external_ref, notified, Track.REFERRAL), actor=OFFICER
    )
    ref = opened.case.ref
    if stage is Stage.REFERRAL:
        return ref
    await s.discuss_referral(case_ref=ref, actor=CHAIR)
    if stage is Stage.DISCUSSED:
        return ref
    await s.decide_threshold(
        case_ref=ref, meets_threshold=False, reasons="Single agency learning.", actor=CHAIR
    )
    if stage is Stage.CLOSED:
        await s.close_case(case_ref=ref, actor=OFFICER)
    return ref


async def _papers_time(world: SqlWorld, ref: str) -> datetime:
    """Half an hour after the papers are due to go out."""
    ctx = world.ctx
    async with ctx.uow() as uow:
        case = await uow.cases.get(ref)
    day = papers_day(case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays)
    return ctx.at_local(day, PAPERS_GO_OUT_AT) + timedelta(minutes=30)

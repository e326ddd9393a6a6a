"""The card's "next" is what the case's stage has not done yet, from its timetable."""

from __future__ import annotations

from datetime import date

from bot.domain.requests import ReturnKind
from bot.domain.stages import Track
from tests.support.world import CHAIR, OFFICER, World


async def card_of(world: World, ref: str) -> tuple[str, str, tuple[str, ...]]:
    status = await world.services.status(case_ref=ref, actor=CHAIR)
    card = world.ctx.card(status.case)
    return card.stage, card.next_deadline, card.lines


async def test_a_return_still_missing_after_its_day_is_next_and_overdue(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 7), "10:00")
    for agency in ("la", "police", "icb", "school"):
        await world.services.record_return(
            case_ref=ref, agency=agency, kind=ReturnKind.NIL, summary="None.", actor=OFFICER
        )

    assert await card_of(world, ref) == (
        "information requests sent, meeting not booked",
        "Agencies return the completed information request reply template:"
        " was due Wed 06 Jan (day 10), overdue",
        (
            "Returns: 4 of 5 received",
            "Outstanding: Riverside GP Practice",
            "Panel deadline: Wed 13 Jan 2027",
        ),
    )


async def test_a_meeting_not_booked_by_the_end_of_its_window_stays_next(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 12), "10:00")
    for agency in ("la", "police", "icb", "gp", "school"):
        await world.services.record_return(
            case_ref=ref, agency=agency, kind=ReturnKind.NIL, summary="None.", actor=OFFICER
        )

    _, nxt, _ = await card_of(world, ref)
    assert (
        nxt
        == "Rapid Review meeting (between day 7 and day 13): was due Mon 11 Jan (day 13), overdue"
    )


async def test_a_referral_card_shows_its_discussion_then_its_decision_and_no_returns(
    world: World,
) -> None:
    ref = await world.open(track=Track.REFERRAL, notified_on=date(2026, 11, 30))
    assert await card_of(world, ref) == (
        "referral received, not yet discussed",
        "Referral discussed at the Case Review Group: Wed 30 Dec (day 20)",
        (),
    )
    await world.services.discuss_referral(case_ref=ref, actor=CHAIR)
    _, nxt, _ = await card_of(world, ref)
    assert nxt == "Case Review Group decides on the referral: Fri 29 Jan (day 41)"

"""An agency referral below the threshold: one month to discuss, two months to decide."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import IllegalTransition, InvalidInput
from bot.domain.stages import Stage, Track
from tests.support.world import CHAIR, OFFICER, World


async def referral(world: World) -> str:
    return await world.open(track=Track.REFERRAL, notified_on=date(2026, 11, 30))


async def test_a_referral_is_dated_in_calendar_months_and_pulled_onto_a_working_day(
    world: World,
) -> None:
    ref = await referral(world)
    status = await world.services.status(case_ref=ref, actor=CHAIR)
    dates = {m.key: m.due for m in status.timetable.milestones}
    # 30 Dec 2026 is a working day; Sat 30 Jan 2027 is not, so the decision is due Fri 29 Jan.
    assert dates == {
        "first_discussion": date(2026, 12, 30),
        "threshold_decision": date(2027, 1, 29),
    }
    assert status.case.stage is Stage.REFERRAL


async def test_a_referral_is_discussed_then_decided_with_reasons_then_closed(
    world: World,
) -> None:
    ref = await referral(world)
    await world.services.discuss_referral(case_ref=ref, actor=CHAIR)
    with pytest.raises(InvalidInput, match="Give the reasons"):
        await world.services.decide_threshold(
            case_ref=ref, meets_threshold=False, reasons=" ", actor=CHAIR
        )
    case = await world.services.decide_threshold(
        case_ref=ref, meets_threshold=False, reasons="Single agency learning only.", actor=CHAIR
    )
    assert (case.stage, case.threshold_met) == (Stage.THRESHOLD_DECIDED, False)
    closed = await world.services.close_case(case_ref=ref, actor=OFFICER)
    assert closed.stage is Stage.CLOSED


async def test_a_referral_has_no_information_requests_of_a_rapid_review(world: World) -> None:
    ref = await referral(world)
    with pytest.raises(IllegalTransition, match="referral received, not yet discussed"):
        await world.services.send_information_requests(case_ref=ref, actor=OFFICER)

"""The meeting: only quorate slots inside the window; a decline that breaks quorum is loud."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from bot.domain.errors import InvalidInput, NotAuthorised
from bot.domain.meeting import Response
from bot.domain.slots import Busy
from bot.domain.stages import Stage
from tests.support.world import (
    CHAIR,
    GP_SPOC,
    LA_SPOC,
    LONDON,
    OFFICER,
    POLICE_DEPUTY,
    POLICE_DM,
    World,
    local,
)


def all_day(day: date) -> Busy:
    return Busy(
        datetime.combine(day, time(7), tzinfo=LONDON),
        datetime.combine(day, time(19), tzinfo=LONDON),
    )


async def booked(world: World) -> str:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    await world.services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
    return ref


async def test_slots_are_offered_first_once_the_returns_are_in_and_the_papers_out(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    best = offer.proposal.slots[0]
    # LLR prefers days 10-13 (seed 001 §4.9); returns are due on day 10 and the papers go out
    # a day before the meeting, so day 11 is the first good day.
    assert best.quorum.met
    assert best.day == 11
    assert best.start == local(date(2027, 1, 7), "09:00")


async def test_booking_sends_one_invite_whose_subject_is_the_reference(world: World) -> None:
    ref = await booked(world)
    (event,) = world.calendar.events.values()
    assert event.subject == f"Rapid Review meeting: {ref}"
    assert CHAIR in event.attendees and POLICE_DM in event.attendees
    assert world.store.cases[ref].stage is Stage.MEETING_BOOKED


async def test_a_slot_outside_the_window_is_refused(world: World) -> None:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    late = offer.proposal.slots[0]
    moved = replace(late, start=late.start + timedelta(days=14), end=late.end + timedelta(days=14))
    with pytest.raises(InvalidInput, match="between day 7 and day 13"):
        await world.services.book_meeting(case_ref=ref, slot=moved, actor=CHAIR)


async def test_llr_stays_quorate_without_the_police_so_no_deputy_is_needed(
    world: World,
) -> None:
    window = [date(2026, 12, 31)] + [date(2027, 1, d) for d in (4, 5, 6, 7, 8, 11)]
    world.calendar.diaries[POLICE_DM] = [all_day(d) for d in window]
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    assert offer.proposal.any_quorate and not offer.with_deputies  # 2 of 3 partners suffice
    assert POLICE_DM not in offer.proposal.slots[0].free


async def test_a_spoc_cannot_schedule_the_meeting(world: World) -> None:
    ref = await world.open_with_requests()
    with pytest.raises(NotAuthorised, match="find and book the meeting"):
        await world.services.find_slots(case_ref=ref, actor=LA_SPOC)


async def test_a_decline_that_breaks_quorum_reaches_the_chair_with_remedies() -> None:
    world = World("kent-2024")  # Kent 2024: the chair and all three decision makers
    ref = await world.open()
    world.at(date(2026, 12, 18), "11:00")
    await world.services.send_information_requests(case_ref=ref, actor=OFFICER)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    await world.services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
    outcome = await world.services.record_response(
        case_ref=ref, email=POLICE_DM, response=Response.DECLINED, actor=POLICE_DM
    )
    assert outcome.broke_quorum and not outcome.quorum.met
    assert "Invite the deputy" in outcome.remedies[0]
    alert = world.transcript.items[-1]
    assert alert.kind == "channel" and "Quorum broken" in alert.text and "Chris" in alert.text
    await world.services.invite_deputy(case_ref=ref, principal=POLICE_DM, actor=OFFICER)
    healed = await world.services.record_response(
        case_ref=ref, email=POLICE_DEPUTY, response=Response.ACCEPTED, actor=POLICE_DEPUTY
    )
    assert healed.quorum.met


async def test_attendance_cannot_be_recorded_before_the_meeting_starts(world: World) -> None:
    ref = await booked(world)
    with pytest.raises(InvalidInput, match="starts Thu 07 Jan 09:00"):
        await world.services.record_attendance(case_ref=ref, present=[CHAIR], actor=OFFICER)


async def test_an_inquorate_meeting_cannot_move_on_to_the_decision(world: World) -> None:
    ref = await booked(world)
    world.at(date(2027, 1, 7), "10:30")
    result = await world.services.record_attendance(
        case_ref=ref, present=[CHAIR, POLICE_DM], actor=OFFICER
    )
    assert not result.met
    assert world.store.cases[ref].stage is Stage.MEETING_BOOKED
    assert any("NOT quorate" in i.text for i in world.transcript.to(f"#{ref.lower()}"))


async def test_when_a_required_principal_is_away_all_window_their_deputy_is_offered() -> None:
    world = World("kent-2024")
    ref = await world.open()
    window = [date(2027, 1, d) for d in range(1, 20)]
    world.calendar.diaries[POLICE_DM] = [all_day(d) for d in window]
    world.at(date(2026, 12, 18), "11:00")
    await world.services.send_information_requests(case_ref=ref, actor=OFFICER)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    assert offer.with_deputies and offer.proposal.any_quorate
    assert POLICE_DEPUTY in offer.proposal.slots[0].free


async def test_a_deputy_is_invited_and_counted_only_for_the_principal_who_cannot_come() -> None:
    world = World("kent-2024")
    ref = await world.open()
    world.calendar.diaries[POLICE_DM] = [all_day(date(2027, 1, d)) for d in range(1, 20)]
    world.at(date(2026, 12, 18), "11:00")
    await world.services.send_information_requests(case_ref=ref, actor=OFFICER)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    slot = offer.proposal.slots[0]

    meeting = await world.services.book_meeting(case_ref=ref, slot=slot, actor=CHAIR)

    deputies = {"eli.brennan@council.example.org", POLICE_DEPUTY, "kit.ramsay@icb.example.org"}
    assert deputies & set(meeting.invitations) == {POLICE_DEPUTY}
    # The slot was ranked over the people invited: the busy principal, his deputy, no others.
    assert slot.free | slot.busy == set(meeting.invitations)
    assert meeting.information_only() == {GP_SPOC, "quinn.abara@school.example.org"}


async def test_a_family_name_that_is_an_ordinary_word_leaves_only_the_reference() -> None:
    world = World()
    ref = await world.open(family_names=("Review", "Day"))
    topic = next(i for i in world.transcript.items if i.kind == "topic")
    assert topic.text == ref  # "... · next: ... (day 2)" would hold the word "day"
    world.at(date(2026, 12, 21), "10:00")
    await world.services.send_information_requests(case_ref=ref, actor=OFFICER)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    await world.services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
    (event,) = world.calendar.events.values()
    assert event.subject == ref  # "Rapid Review meeting: ..." would hold the word "Review"

"""After booking: the chair moves or cancels the meeting, and the invitees' answers are read
back from the calendar; a decline that breaks quorum reaches the chair with working remedies."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.domain.errors import Conflict, IllegalTransition, InvalidInput, PersonalDataRefused
from bot.domain.meeting import Response
from bot.domain.stages import Stage
from bot.services.facade import Services
from tests.support.held_calendar import HeldCalendar
from tests.support.world import CHAIR, OFFICER, POLICE_DEPUTY, POLICE_DM, World


async def booked(world: World) -> str:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    await world.services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
    return ref


async def test_moving_the_meeting_keeps_one_event_and_asks_everyone_again(world: World) -> None:
    ref = await booked(world)
    (event,) = world.calendar.events.values()
    world.calendar.respond(event.id, POLICE_DM, Response.ACCEPTED)
    await world.services.poll_responses(case_ref=ref)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    later = next(s for s in offer.proposal.slots if s.start != event.start and s.quorum.met)

    meeting = await world.services.move_meeting(case_ref=ref, slot=later, actor=CHAIR)

    assert list(world.calendar.events.values()) == [event]  # moved, not re-created
    assert (event.start, meeting.start) == (later.start, later.start)
    assert {i.response for i in meeting.invitations.values()} == {Response.NONE}
    assert world.store.cases[ref].stage is Stage.MEETING_BOOKED
    posted = [i.text for i in world.transcript.to(f"#{ref.lower()}", "channel")]
    assert any(t.startswith("Rapid Review meeting moved to ") for t in posted)


async def test_a_meeting_cannot_move_outside_its_window_or_to_a_slot_without_quorum(
    world: World,
) -> None:
    ref = await booked(world)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    slot = offer.proposal.slots[0]
    short = replace(slot.quorum, met=False, missing=("the police decision maker is busy",))
    too_early = slot.start - timedelta(days=14)

    with pytest.raises(InvalidInput, match="Not quorate: the police decision maker is busy"):
        await world.services.move_meeting(
            case_ref=ref, slot=replace(slot, quorum=short), actor=CHAIR
        )
    early = replace(slot, start=too_early, end=too_early + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="the meeting must be between day 7 and day 13"):
        await world.services.move_meeting(case_ref=ref, slot=early, actor=CHAIR)


async def test_cancelling_tells_the_invitees_why_and_the_case_needs_a_new_meeting(
    world: World,
) -> None:
    ref = await booked(world)
    (event,) = world.calendar.events.values()

    with pytest.raises(InvalidInput, match="Say why"):
        await world.services.cancel_meeting(case_ref=ref, reason=" ", actor=CHAIR)
    with pytest.raises(PersonalDataRefused):  # the reason reaches every invitee by email
        await world.services.cancel_meeting(
            case_ref=ref, reason="Jamie Fictitious's father is unwell", actor=CHAIR
        )
    case = await world.services.cancel_meeting(
        case_ref=ref, reason="The chair is unavailable", actor=CHAIR
    )

    assert event.cancelled == "The chair is unavailable"
    assert (case.stage, case.meeting) == (Stage.REQUESTS_SENT, None)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    assert offer.proposal.any_quorate  # and it can be booked again


async def test_a_decline_read_back_from_the_calendar_breaks_quorum_and_offers_remedy_buttons() -> (
    None
):
    world = World("kent-2024")  # Kent 2024: the chair and all three decision makers
    ref = await booked(world)
    (event,) = world.calendar.events.values()
    world.calendar.respond(event.id, POLICE_DM, Response.DECLINED)

    (outcome,) = await world.services.poll_responses(case_ref=ref)
    assert await world.services.poll_responses(case_ref=ref) == []  # recorded once

    assert outcome.broke_quorum
    assert world.store.cases[ref].meeting.invitations[POLICE_DM].response is Response.DECLINED  # type: ignore[union-attr]
    alert = world.transcript.to(f"#{ref.lower()}", "channel")[-1].text
    assert alert.startswith("@Chris Lindqvist Quorum broken: Det Supt Gray Osei declined")
    assert "/rapidreview invite-deputy gray.osei@police.example.org" in alert
    # The remedies work: the deputy is invited and quorum is back.
    deputy = await world.services.invite_deputy(case_ref=ref, principal=POLICE_DM, actor=CHAIR)
    assert deputy == POLICE_DEPUTY
    assert (await world.services.check_quorum(case_ref=ref, actor=CHAIR)).met


async def test_two_moves_at_once_do_not_interleave() -> None:
    world = World()
    held = HeldCalendar(world.calendar, hold="move_event")
    world.ctx = replace(world.ctx, calendar=held)
    world.services = Services(world.ctx)
    ref = await booked(world)
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    current = world.store.cases[ref].meeting
    assert current is not None
    one, other = [s for s in offer.proposal.slots if s.start != current.start][:2]

    first = asyncio.create_task(world.services.move_meeting(case_ref=ref, slot=one, actor=CHAIR))
    await held.reached.wait()
    with pytest.raises(Conflict, match="Someone else is booking or changing"):
        await world.services.move_meeting(case_ref=ref, slot=other, actor=OFFICER)
    with pytest.raises(Conflict, match="Someone else is booking or changing"):
        await world.services.cancel_meeting(case_ref=ref, reason="Clash", actor=OFFICER)
    held.release.set()
    moved = await first

    (event,) = world.calendar.events.values()
    assert event.start == moved.start == one.start and event.cancelled is None


async def test_book_on_a_booked_case_says_when_and_reads_no_diary(world: World) -> None:
    ref = await booked(world)
    meeting = world.store.cases[ref].meeting
    assert meeting is not None
    diaries_read = world.calendar.free_busy_calls

    refusal = f"{ref} is already booked for .* use /rapidreview move"
    with pytest.raises(IllegalTransition, match=refusal):
        await world.services.book_offered_start(case_ref=ref, start=meeting.start, actor=CHAIR)
    assert world.calendar.free_busy_calls == diaries_read

"""`/rapidreview` typed at the console: each mistake gets its own clear answer."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.requests import ReturnKind
from handlers.commands import parse
from handlers.text_commands import TextCommands
from tests.support.world import CHAIR, GP_SPOC, LA_SPOC, OFFICER, World


def test_in_a_case_channel_the_reference_may_be_left_out() -> None:
    command = parse("status", channel_case="LLR-RR-2026-001")
    assert (command.name, command.case_ref) == ("status", "LLR-RR-2026-001")


def test_a_typed_reference_is_normalised() -> None:
    assert parse("quorum llr-rr-2026-001").case_ref == "LLR-RR-2026-001"


def test_an_unknown_command_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="Unknown command 'shedule'. Try one of: new, status"):
        parse("shedule LLR-RR-2026-001")


def test_a_command_outside_a_case_channel_asks_which_case() -> None:
    with pytest.raises(InvalidInput, match="Which case?"):
        parse("status")


def test_new_refuses_an_impossible_date() -> None:
    with pytest.raises(InvalidInput, match="'2026-02-30' is not a date"):
        parse("new LA-1 2026-02-30 la,police")


async def test_a_chair_opens_and_schedules_a_case_from_the_console(world: World) -> None:
    console = TextCommands(world.services)
    reply = await console.run(OFFICER, "new LA-9 2026-12-18 la,police,icb")
    assert reply == "Case opened LLR-RR-2026-001. Information requests sent to 3 agencies."
    slots = await console.run(CHAIR, "schedule", channel_case="LLR-RR-2026-001")
    assert "1. " in slots and "quorate" in slots
    assert (await console.run(CHAIR, "book 1", channel_case="LLR-RR-2026-001")).startswith("Booked")


async def test_an_unknown_case_reference_is_its_own_answer(world: World) -> None:
    reply = await TextCommands(world.services).run(CHAIR, "status LLR-RR-2026-999")
    assert reply == "Sorry: No case with reference LLR-RR-2026-999."


HOUSING_SPOC = "uma.rowe@housing.example.org"  # in the directory, on no case here


@pytest.mark.parametrize("who", [HOUSING_SPOC, "stranger@example.org"])
@pytest.mark.parametrize("command", ["status", "schedule", "chase police"])
async def test_someone_not_on_a_case_cannot_tell_it_from_one_that_does_not_exist(
    world: World, who: str, command: str
) -> None:
    ref = await world.open_with_requests()
    console = TextCommands(world.services)
    verb, *rest = command.split()

    real = await console.run(who, " ".join([verb, ref, *rest]))
    unknown = await console.run(who, " ".join([verb, "LLR-RR-2026-999", *rest]))

    assert real.replace(ref, "LLR-RR-2026-999") == unknown
    assert unknown == "Sorry: No case LLR-RR-2026-999 that you are on."


async def test_a_person_without_the_role_is_told_so(world: World) -> None:
    ref = await world.open_with_requests()
    reply = await TextCommands(world.services).run(LA_SPOC, f"schedule {ref}")
    assert reply.startswith("Sorry: Only a business officer or chair or partnership manager")


async def test_booking_before_scheduling_says_what_to_do(world: World) -> None:
    ref = await world.open_with_requests()
    reply = await TextCommands(world.services).run(CHAIR, f"book {ref} 1")
    assert reply == f"Sorry: Run /rapidreview schedule {ref} first, then give a slot number."


async def test_chase_lists_the_outstanding_then_chases_one_at_once(world: World) -> None:
    ref = await world.open_with_requests()
    console = TextCommands(world.services)
    listing = await console.run(CHAIR, f"chase {ref}")
    assert listing.startswith("Outstanding: la, police, icb, gp, school.")
    assert await console.run(CHAIR, f"chase {ref} gp") == "Chased Dr Oli Danvers."
    (email,) = [e for e in world.transcript.to(GP_SPOC, "email") if e.subject.startswith("Chase")]
    assert "Chris Lindqvist asks for the Riverside GP Practice information" in email.text


async def test_chasing_an_agency_that_returned_says_so(world: World) -> None:
    ref = await world.open_with_requests()
    await world.services.record_return(
        case_ref=ref, agency="school", kind=ReturnKind.NIL, summary="", actor=OFFICER
    )
    reply = await TextCommands(world.services).run(CHAIR, f"chase {ref} school")
    assert reply.startswith("Sorry: Northfield Primary School already returned its information")


async def test_the_chair_moves_then_cancels_the_meeting_from_the_console(world: World) -> None:
    console = TextCommands(world.services)
    ref = await world.open_with_requests()
    await console.run(CHAIR, f"schedule {ref}")
    assert (await console.run(CHAIR, f"book {ref} 1")).startswith("Booked")
    assert (
        await console.run(CHAIR, f"move {ref} 9") == "Sorry: Choose a slot number between 1 and 5."
    )
    assert (await console.run(CHAIR, f"move {ref} 2")).startswith("Moved: ")
    assert await console.run(CHAIR, f"cancel {ref}") == (
        "Sorry: Say why the meeting is cancelled: the invitees are told."
    )
    assert await console.run(CHAIR, f"cancel {ref} The chair is unavailable") == (
        f"Cancelled. Find another slot: /rapidreview schedule {ref}"
    )


async def test_a_cancellation_reason_is_taken_as_typed_apostrophes_and_all(world: World) -> None:
    console = TextCommands(world.services)
    ref = await world.open_with_requests()
    await console.run(CHAIR, f"schedule {ref}")
    assert await console.run(CHAIR, f"book {ref} 1 2") == (
        f"Sorry: Give one slot number, e.g. /rapidreview book {ref} 1."
    )
    await console.run(CHAIR, f"book {ref} 1")

    reply = await console.run(CHAIR, 'cancel The chair\'s unwell; "urgent"', channel_case=ref)

    assert reply == f"Cancelled. Find another slot: /rapidreview schedule {ref}"
    (event,) = world.calendar.events.values()
    assert event.cancelled == 'The chair\'s unwell; "urgent"'


async def test_cancel_outside_a_case_channel_asks_which_case(world: World) -> None:
    reply = await TextCommands(world.services).run(CHAIR, "cancel The chair is unwell")
    assert reply.startswith("Sorry: Which case? Use '/rapidreview cancel LLR-RR-2026-014")


async def test_schedule_names_who_cannot_come_to_each_slot(world: World) -> None:
    from datetime import date, datetime, time

    from bot.domain.slots import Busy
    from tests.support.world import LONDON, POLICE_DM

    ref = await world.open_with_requests()
    world.calendar.diaries[POLICE_DM] = [  # away for the whole meeting window
        Busy(
            datetime.combine(date(2026, 12, 29), time(0), tzinfo=LONDON),
            datetime.combine(date(2027, 1, 12), time(0), tzinfo=LONDON),
        )
    ]
    slots = await TextCommands(world.services).run(CHAIR, f"schedule {ref}")
    # LLR's quorum holds without the police decision maker; the chair sees who is missing.
    assert slots.splitlines()[1].endswith("8 of 9 free, quorate (busy: Det Supt Gray Osei)")

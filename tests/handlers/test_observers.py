"""`/rapidreview observers`: where the playbook caps information-only attendees (Kent 2024:
two) and more agencies are involved, the chair chooses who comes; the choice is kept for the
booking, and every other answer says plainly why it was refused."""

from __future__ import annotations

from datetime import date

from handlers.commands import help_text
from handlers.text_commands import TextCommands
from tests.support.world import CHAIR, OFFICER, World

EVERY_AGENCY = ("la", "police", "icb", "hospital", "gp", "school", "probation", "housing")
KENT = "Kent Safeguarding Children Multi-Agency Partnership (2024 guidance)"
CHOICES = "up to 2 of: hospital, gp, school, probation, housing (or none)"


async def kent_case(world: World) -> str:
    ref = await world.open(agencies=EVERY_AGENCY)
    world.at(date(2026, 12, 18), "11:00")
    await world.services.send_information_requests(case_ref=ref, actor=OFFICER)
    return ref


async def test_the_chairs_choice_is_what_the_booking_invites_for_information_only() -> None:
    world = World("kent-2024")
    ref = await kent_case(world)
    console = TextCommands(world.services)

    chosen = await console.run(CHAIR, f"observers {ref} hospital school")
    offer = await console.run(CHAIR, f"schedule {ref}")
    booked = await console.run(CHAIR, f"book {ref} 1")

    assert chosen == (
        f"For information only at the {ref} meeting: Max Idowu (Hospitals NHS Trust) and"
        f" Quinn Abara (Northfield Primary School). Book: /rapidreview schedule {ref}"
    )
    assert offer.splitlines()[1] == (
        "For information only (at most 2 may attend): Max Idowu (Hospitals NHS Trust) and"
        " Quinn Abara (Northfield Primary School)."
    )
    assert booked == "Booked: 8 invited."
    meeting = world.store.cases[ref].meeting
    assert meeting is not None
    assert meeting.information_only() == {
        "max.idowu@hospital.example.org",
        "quinn.abara@school.example.org",
    }


async def test_the_chair_may_choose_nobody_and_everyone_eligible_is_then_left_out() -> None:
    world = World("kent-2024")
    ref = await kent_case(world)
    console = TextCommands(world.services)

    chosen = await console.run(CHAIR, f"observers {ref} none")
    offer = await console.run(CHAIR, f"schedule {ref}")

    assert chosen == (
        f"For information only at the {ref} meeting: nobody. Book: /rapidreview schedule {ref}"
    )
    assert offer.splitlines()[1].startswith(
        "Not invited: Max Idowu (Hospitals NHS Trust), Dr Oli Danvers (Riverside GP Practice),"
    )
    assert f"{KENT} allows at most 2 attendees for information only, not chosen by the chair." in (
        offer
    )


async def test_a_choice_the_playbook_does_not_allow_is_refused_in_words() -> None:
    world = World("kent-2024")
    ref = await kent_case(world)
    console = TextCommands(world.services)

    assert await console.run(CHAIR, f"observers {ref} hospital gp school") == (
        f"Sorry: At most 2 may attend for information only under {KENT}; you chose 3."
    )
    assert await console.run(CHAIR, f"observers {ref} fire") == (
        f"Sorry: 'fire' cannot attend for information only; choose {CHOICES}."
    )
    assert await console.run(CHAIR, f"observers {ref}") == (
        f"Sorry: Which agencies? Choose {CHOICES}."
    )
    assert world.store.cases[ref].observers is None


async def test_once_the_meeting_is_booked_its_invitation_stands() -> None:
    world = World("kent-2024")
    ref = await kent_case(world)
    console = TextCommands(world.services)
    await console.run(CHAIR, f"schedule {ref}")
    await console.run(CHAIR, f"book {ref} 1")

    refused = await console.run(CHAIR, f"observers {ref} hospital")

    assert refused == (
        f"Sorry: The {ref} meeting is already booked, and its invitation says who attends for"
        f" information only. To change them, cancel it (/rapidreview cancel {ref} <reason>),"
        " choose, then book again."
    )


async def test_where_the_playbook_has_no_information_only_attendees_there_is_nothing_to_choose(
    world: World,
) -> None:
    ref = await world.open_with_requests()

    refused = await TextCommands(world.services).run(CHAIR, f"observers {ref} gp")

    assert refused == (
        f"Sorry: Nobody attends the {ref} meeting for information only under"
        f" {world.ctx.playbook.name}, so there is nobody to choose."
    )


def test_help_lists_the_command() -> None:
    assert (
        "  observers [case] <agency> [agency]|none  who attends for information only"
        in help_text().splitlines()
    )

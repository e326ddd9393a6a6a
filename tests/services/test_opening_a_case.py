"""Opening a case: one private channel named by reference, the right people, no names."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput, NotAuthorised
from bot.domain.stages import Stage
from schedules.runner import run_at_once
from tests.support.world import CHAIR, GP_SPOC, LA_SPOC, OFFICER, World


async def test_a_notification_opens_a_case_with_a_sequential_reference(world: World) -> None:
    first = await world.open()
    second = await world.open(external_ref="LA-0002")
    assert (first, second) == ("LLR-RR-2026-001", "LLR-RR-2026-002")


async def test_the_channel_is_named_only_by_the_lowercase_reference(world: World) -> None:
    ref = await world.open()
    assert list(world.chat.channels) == [f"#{ref.lower()}"]


async def test_the_case_members_are_the_office_the_partners_and_the_involved_spocs(
    world: World,
) -> None:
    ref = await world.open()
    members = world.chat.channels[f"#{ref.lower()}"]
    assert {OFFICER, CHAIR, LA_SPOC, GP_SPOC} <= members
    assert "uma.rowe@housing.example.org" not in members  # housing is not involved


async def test_a_repeated_notification_returns_the_same_case(world: World) -> None:
    ref = await world.open()
    again = await world.services.open_case(notification=world.notification(), actor=OFFICER)
    assert (again.case.ref, again.created) == (ref, False)
    assert len(world.chat.channels) == 1


async def test_an_unknown_agency_is_refused_with_the_known_ones(world: World) -> None:
    with pytest.raises(InvalidInput, match=r"Unknown agency 'fire'\. Known agencies: la, police"):
        await world.open(agencies=("la", "fire"))
    assert world.store.cases == {}


async def test_the_referring_agency_is_kept_to_be_told_the_outcome(world: World) -> None:
    ref = await world.open(referred_by="police")
    assert world.store.cases[ref].referred_by == "police"


async def test_a_referrer_outside_the_directory_is_refused_saying_why(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.open(referred_by="fire")
    assert str(refused.value).startswith(
        "Unknown referring agency 'fire': the referrer is told the outcome, so it must be one"
        " of the partnership's agencies: la, police"
    )
    assert world.store.cases == {}


async def test_only_the_office_can_open_a_case(world: World) -> None:
    with pytest.raises(NotAuthorised, match="Only a"):
        await world.services.open_case(notification=world.notification(), actor=LA_SPOC)


async def test_no_child_or_family_name_reaches_any_channel_name_topic_or_subject(
    world: World,
) -> None:
    await world.open_with_requests()
    for item in world.transcript.items:
        for text in (item.to, item.subject):
            assert "Jamie" not in text and "Testperson" not in text
    topics = [i.text for i in world.transcript.items if i.kind == "topic"]
    assert all("Fictitious" not in t for t in topics)


async def test_the_opening_post_gives_the_timetable(world: World) -> None:
    ref = await world.open()
    opening = world.transcript.to(f"#{ref.lower()}", "channel")[-1].text
    assert "Thu 31 Dec" in opening and "Wed 13 Jan" in opening


async def test_a_repeat_of_a_stranded_notification_opens_what_is_missing(world: World) -> None:
    """A case left with no channel, no requests and no outbox row (as a process killed
    between its two commits used to leave it) is finished by the notifier's repeat."""
    world.ctx.doorbell.answer_with(None)  # nobody opens it ...
    first = await world.services.receive_notification(
        notification=world.notification(), actor=OFFICER
    )
    ref = first.case.ref
    world.store.actions.clear()  # ... and its opening row was never written
    world.ctx.doorbell.answer_with(run_at_once(worker="world"))

    again = await world.services.receive_notification(
        notification=world.notification(), actor=OFFICER
    )

    assert (again.case.ref, again.created) == (ref, False)
    assert again.case.channel == f"#{ref.lower()}"
    assert again.case.stage is Stage.REQUESTS_SENT
    assert any(i.to == LA_SPOC and "Information request" in i.text for i in world.transcript.items)
    (requeued,) = [a for a in world.store.audit if a["action"] == "opening_requeued"]
    assert requeued["case_ref"] == ref
    third = await world.services.receive_notification(
        notification=world.notification(), actor=OFFICER
    )
    assert third.case.ref == ref and len(world.chat.channels) == 1  # nothing more to do

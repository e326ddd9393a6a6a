"""Finding the meeting from Outlook free/busy, through the real msgraph-sdk and the Graph
fake: only quorate slots are offered first, a deputy's diary is read when a principal has
no quorate slot, and when nothing is quorate the chair is told why in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.adapters.graph.factory import graph_ports
from bot.services.facade import Services
from tests.fakes.graph_api import GraphApiFake
from tests.integration.graph.support import FAST, StaticCredential, graph_settings
from tests.support.world import CHAIR, LONDON, POLICE_DEPUTY, POLICE_DM, World

WINDOW = (dt.datetime(2026, 12, 29, tzinfo=LONDON), dt.datetime(2027, 1, 13, tzinfo=LONDON))


def whole_window(status: str = "busy") -> list[tuple[dt.datetime, dt.datetime, str]]:
    return [(WINDOW[0].astimezone(dt.UTC), WINDOW[1].astimezone(dt.UTC), status)]


@pytest.fixture
async def on_outlook(graph_api: GraphApiFake) -> AsyncIterator[tuple[World, GraphApiFake]]:
    """The use cases of a partnership (Kent 2024: the chair and all three decision makers
    are needed) whose diaries are in Outlook."""
    world = World("kent-2024")
    for person in world.directory.people:
        graph_api.add_person(person.email, [])
    calendar, _mail = graph_ports(
        graph_settings(graph_api), credential=StaticCredential(), retry=FAST
    )
    world.ctx = replace(world.ctx, calendar=calendar)
    world.services = Services(world.ctx)
    try:
        yield world, graph_api
    finally:
        await calendar.connection.aclose()


async def test_a_quorate_slot_is_offered_before_a_fuller_one_without_quorum(
    on_outlook: tuple[World, GraphApiFake],
) -> None:
    world, graph_api = on_outlook
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    first = offer.proposal.slots[0]
    # The police decision maker is away at the slot everyone else could make.
    graph_api.add_person(POLICE_DM, [(first.start, first.end, "oof")])
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)

    assert all(s.quorum.met for s in offer.proposal.slots)
    assert first.start not in {s.start for s in offer.proposal.slots}
    assert len(graph_api.calls_to("/calendar/getSchedule")) == 2  # one call per search


async def test_a_deputy_is_consulted_when_a_principal_can_make_no_quorate_slot(
    on_outlook: tuple[World, GraphApiFake],
) -> None:
    world, graph_api = on_outlook
    graph_api.add_person(POLICE_DM, whole_window("oof"))
    ref = await world.open_with_requests()

    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)

    assert offer.with_deputies and offer.proposal.any_quorate
    best = offer.proposal.slots[0]
    assert POLICE_DEPUTY in best.free and POLICE_DM in best.busy


async def test_with_no_quorate_slot_the_chair_is_told_why(
    on_outlook: tuple[World, GraphApiFake],
) -> None:
    world, graph_api = on_outlook
    graph_api.add_person(CHAIR, whole_window())
    ref = await world.open_with_requests()

    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)

    assert not offer.proposal.any_quorate
    assert offer.proposal.explanation is not None
    assert offer.proposal.explanation.startswith(
        "No slot in the window is quorate: the chair is busy on every day 11-13."
    )
    assert "would be quorate if Chris Lindqvist frees that time" in offer.proposal.explanation

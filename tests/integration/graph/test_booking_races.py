"""Booking the meeting in Outlook from two processes on one database (SQLite or PostgreSQL),
through the real msgraph-sdk and the Graph fake: one booking at a time per case, so 25
people never receive a second invitation; an invitation that lost anyway is withdrawn; and
every booking has its own transactionId, so a rebooking is never handed a cancelled event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.adapters.clock import SimulatedClock
from bot.adapters.graph.factory import graph_ports
from bot.domain.errors import Conflict
from bot.domain.notification import Notification
from bot.services.facade import Services
from tests.fakes.graph_api import GraphApiFake
from tests.integration.graph.support import FAST, StaticCredential, graph_settings
from tests.integration.sql_world import SqlWorld
from tests.support.held_calendar import HeldCalendar
from tests.support.world import CHAIR, OFFICER, local

LONGER_THAN_ANY_CLAIM = timedelta(minutes=5)


@dataclass
class TwoProcesses:
    a: SqlWorld
    b: SqlWorld
    calendar: HeldCalendar
    graph: GraphApiFake
    ref: str


@pytest.fixture
async def two(graph_api: GraphApiFake, database_url: str) -> AsyncIterator[TwoProcesses]:
    """Two bot processes on one database and one Outlook mailbox, a case ready to book."""
    clock = SimulatedClock(local(date(2026, 12, 18), "10:00"))
    a = SqlWorld(database_url, clock)
    for person in a.ctx.directory.people:
        graph_api.add_person(person.email, [])
    settings = graph_settings(graph_api)
    outlook, _mail = graph_ports(settings, credential=StaticCredential(), retry=FAST)
    held = HeldCalendar(outlook)
    a.ctx = replace(a.ctx, calendar=held)
    a.services = Services(a.ctx)
    b = a.another_process()
    try:
        opened = await a.services.open_case(notification=notification(), actor=OFFICER)
        clock.set(local(date(2026, 12, 21), "10:00"))
        await a.services.send_information_requests(case_ref=opened.case.ref, actor=OFFICER)
        yield TwoProcesses(a, b, held, graph_api, opened.case.ref)
    finally:
        await outlook.connection.aclose()
        await a.aclose()
        await b.aclose()


def notification() -> Notification:
    return Notification.model_validate(
        {
            "external_ref": "LA-0001",
            "notified_on": date(2026, 12, 18),
            "agencies": ("la", "police", "icb", "gp", "school"),
            "child_names": ("Jamie Fictitious",),
        }
    )


def posted_events(graph: GraphApiFake) -> list[Any]:
    return [c.body for c in graph.calls_to("/events", "POST") if c.status == 201]


async def test_two_processes_booking_at_once_send_one_invitation(two: TwoProcesses) -> None:
    offer = await two.a.services.find_slots(case_ref=two.ref, actor=CHAIR)
    first, second = offer.proposal.slots[:2]
    chair_books = asyncio.create_task(
        two.a.services.book_meeting(case_ref=two.ref, slot=first, actor=CHAIR)
    )
    await two.calendar.reached.wait()  # the chair's invitation is on its way to Outlook

    with pytest.raises(Conflict, match="Someone else is booking or changing the .* meeting"):
        await two.b.services.book_meeting(case_ref=two.ref, slot=second, actor=OFFICER)
    two.calendar.release.set()
    meeting = await chair_books

    (sent,) = posted_events(two.graph)
    (event,) = two.graph.events.values()
    assert event.cancelled is None and event.start == first.start
    case = (await two.b.services.status(case_ref=two.ref, actor=CHAIR)).case
    assert case.meeting is not None and case.meeting.event_id == event.id == meeting.event_id
    assert sent["transactionId"] == f"{two.ref}:meeting:1:{first.start:%Y%m%dT%H%M}"


async def test_an_invitation_that_lost_the_race_is_withdrawn(two: TwoProcesses) -> None:
    """Outlook answered so slowly that the chair's claim expired and the officer booked: the
    chair's invitation, sent after all, is cancelled with a word to its invitees."""
    offer = await two.a.services.find_slots(case_ref=two.ref, actor=CHAIR)
    first, second = offer.proposal.slots[:2]
    chair_books = asyncio.create_task(
        two.a.services.book_meeting(case_ref=two.ref, slot=first, actor=CHAIR)
    )
    await two.calendar.reached.wait()
    two.a.clock.set(two.a.clock.now() + LONGER_THAN_ANY_CLAIM)
    officers = await two.b.services.book_meeting(case_ref=two.ref, slot=second, actor=OFFICER)
    two.calendar.release.set()

    with pytest.raises(Conflict, match="The invitation it had sent has been withdrawn"):
        await chair_books

    assert len(posted_events(two.graph)) == 2
    late = next(e for e in two.graph.events.values() if e.start == first.start)
    kept = two.graph.events[officers.event_id]
    assert late.cancelled is not None and "Sent in error" in late.cancelled
    assert kept.cancelled is None
    case = (await two.a.services.status(case_ref=two.ref, actor=CHAIR)).case
    assert case.meeting is not None and case.meeting.event_id == kept.id


async def test_a_rebooking_at_the_same_start_is_a_new_event(two: TwoProcesses) -> None:
    two.calendar.release.set()
    offer = await two.a.services.find_slots(case_ref=two.ref, actor=CHAIR)
    slot = offer.proposal.slots[0]
    first = await two.a.services.book_meeting(case_ref=two.ref, slot=slot, actor=CHAIR)
    await two.a.services.cancel_meeting(
        case_ref=two.ref, reason="The chair is unavailable", actor=CHAIR
    )

    again = await two.b.services.book_meeting(case_ref=two.ref, slot=slot, actor=CHAIR)

    ids = [body["transactionId"] for body in posted_events(two.graph)]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert again.event_id != first.event_id
    assert two.graph.events[first.event_id].cancelled == "The chair is unavailable"
    assert two.graph.events[again.event_id].cancelled is None

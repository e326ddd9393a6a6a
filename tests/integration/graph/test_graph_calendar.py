"""GraphCalendar on the real msgraph-sdk against the Graph fake: what CalendarPort promises,
in Outlook's terms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from structlog.testing import capture_logs

from bot.adapters.graph.calendar import GraphCalendar
from bot.domain.errors import NotFound
from bot.domain.meeting import Response
from bot.domain.slots import Busy
from tests.fakes.graph_api import MAILBOX, GraphApiFake, parameters

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 9, tzinfo=UTC)  # GMT: London time equals UTC this week
CHAIR = "chair@partnership.example.org"
POLICE = "dm@police.example.org"
HEALTH = "dm@icb.example.org"


def at(hour: int, minute: int = 0, day: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


async def book(calendar: GraphCalendar, tx: str = "LLR-RR-2026-014:meeting:20261110T0930") -> str:
    booked = await calendar.create_event(
        subject="Rapid Review meeting: LLR-RR-2026-014",
        body="Agenda: the facts & the decision.\nPapers in the case channel.",
        start=at(9, 30, day=1),
        end=at(11, 0, day=1),
        required=[CHAIR, POLICE],
        optional=[HEALTH],
        transaction_id=tx,
    )
    return booked.id


async def test_free_busy_asks_graph_for_at_most_20_people_a_call(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    people = [f"person{i:02d}@agency.example.org" for i in range(25)]
    for person in people:
        graph_api.add_person(person, [(at(10), at(11), "busy")])

    busy = await calendar.free_busy(people=people, start=at(9), end=at(17, day=6))

    calls = graph_api.calls_to("/calendar/getSchedule")
    assert len(calls) == 2
    asked = [parameters(c.body) for c in calls]
    assert sorted(len(a["schedules"]) for a in asked) == [5, 20]
    assert {c.path for c in calls} == {f"/v1.0/users/{MAILBOX}/calendar/getSchedule"}
    assert {c.prefer for c in calls} == {'outlook.timezone="UTC"'}
    for a in asked:
        assert a["availabilityViewInterval"] == 15
        assert a["startTime"] == {"dateTime": "2026-11-09T09:00:00", "timeZone": "UTC"}
        assert a["endTime"] == {"dateTime": "2026-11-15T17:00:00", "timeZone": "UTC"}
    assert busy == {p: [Busy(at(10), at(11))] for p in people}


async def test_every_status_but_free_is_busy_in_aware_utc(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    summer = datetime(2026, 7, 6, 9, tzinfo=LONDON)  # BST: 09:00 in London is 08:00 UTC
    graph_api.add_person(
        POLICE,
        [
            (summer, summer + timedelta(hours=1), "busy"),
            (summer + timedelta(hours=2), summer + timedelta(hours=3), "free"),
            (summer + timedelta(hours=3), summer + timedelta(hours=4), "tentative"),
            (summer + timedelta(hours=5), summer + timedelta(hours=6), "oof"),
            (summer + timedelta(hours=7), summer + timedelta(hours=8), "workingElsewhere"),
        ],
    )

    busy = await calendar.free_busy(people=[POLICE], start=summer, end=summer + timedelta(hours=9))

    start_utc = datetime(2026, 7, 6, 8, tzinfo=UTC)
    assert busy[POLICE] == [
        Busy(start_utc + timedelta(hours=h), start_utc + timedelta(hours=h + 1))
        for h in (0, 3, 5, 7)
    ]
    assert all(b.start.tzinfo is UTC and b.end.tzinfo is UTC for b in busy[POLICE])


async def test_someone_graph_cannot_answer_for_is_busy_all_window_and_logged_by_domain(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    graph_api.add_person(POLICE, [])
    stranger = "Someone@Elsewhere.example.org"

    with capture_logs() as logs:
        busy = await calendar.free_busy(people=[POLICE, stranger], start=at(9), end=at(17))

    assert busy == {POLICE: [], stranger: [Busy(at(9), at(17))]}
    warning = next(e for e in logs if e["event"] == "free_busy_unknown")
    assert warning["domain"] == "elsewhere.example.org"
    assert warning["code"] == "ErrorMailRecipientNotFound"
    assert "someone" not in str(logs).lower()


async def test_a_meeting_is_a_teams_event_organised_by_the_mailbox(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)

    event = graph_api.events[event_id]
    assert event.mailbox == MAILBOX
    assert event.subject == "Rapid Review meeting: LLR-RR-2026-014"
    assert event.body == {
        "contentType": "html",
        "content": "Agenda: the facts &amp; the decision.<br>\nPapers in the case channel.",
    }
    assert (event.start, event.end) == (at(9, 30, day=1), at(11, 0, day=1))
    assert [(a["emailAddress"]["address"], a["type"]) for a in event.attendees] == [
        (CHAIR, "required"),
        (POLICE, "required"),
        (HEALTH, "optional"),
    ]
    sent = graph_api.calls_to("/events", "POST")[0].body
    assert sent["isOnlineMeeting"] is True
    assert sent["onlineMeetingProvider"] == "teamsForBusiness"
    assert sent["transactionId"] == "LLR-RR-2026-014:meeting:20261110T0930"
    assert sent["start"] == {"dateTime": "2026-11-10T09:30:00", "timeZone": "UTC"}


async def test_a_retried_create_with_the_same_transaction_id_stays_one_event(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    first = await book(calendar)
    again = await book(calendar)  # the outbox retrying after the first answer was lost

    assert again == first
    assert list(graph_api.events) == [first]
    assert len(graph_api.calls_to("/events", "POST")) == 2
    other = await book(calendar, tx="LLR-RR-2026-014:meeting:20261111T1400")
    assert other != first and len(graph_api.events) == 2


async def test_event_details_link_to_teams_and_outlook(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)

    details = await calendar.event_details(event_id)

    assert details.id == event_id
    assert details.ical_uid.startswith("040000008200E00074C5B7101A82E008")
    assert details.join_url is not None and details.join_url.startswith("https://teams.")
    assert details.web_link is not None and event_id in details.web_link
    query = graph_api.calls_to(f"/events/{event_id}", "GET")[0]
    assert query.status == 200


async def test_responses_are_read_back_including_a_decline(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)
    graph_api.respond(event_id, CHAIR, "accepted")
    graph_api.respond(event_id, POLICE, "declined")

    assert await calendar.responses(event_id=event_id) == {
        CHAIR: Response.ACCEPTED,
        POLICE: Response.DECLINED,
        HEALTH: Response.NONE,
    }
    graph_api.respond(event_id, HEALTH, "tentativelyAccepted")
    graph_api.respond(event_id, POLICE, "notResponded")
    answers = await calendar.responses(event_id=event_id)
    assert answers[HEALTH] is Response.TENTATIVE
    assert answers[POLICE] is Response.NONE


async def test_adding_an_attendee_keeps_everyone_and_their_answers(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)
    graph_api.respond(event_id, CHAIR, "accepted")
    deputy = "deputy@police.example.org"

    await calendar.add_attendee(event_id=event_id, email=deputy)
    await calendar.add_attendee(event_id=event_id, email="Deputy@Police.example.org")  # no-op
    await calendar.add_attendee(
        event_id=event_id, email="advisor@advisor.example.org", optional=True
    )

    attendees = graph_api.events[event_id].attendees
    assert [(a["emailAddress"]["address"], a["type"]) for a in attendees] == [
        (CHAIR, "required"),
        (POLICE, "required"),
        (HEALTH, "optional"),
        (deputy, "required"),
        ("advisor@advisor.example.org", "optional"),
    ]
    assert attendees[0]["status"]["response"] == "accepted"
    assert len(graph_api.calls_to(f"/events/{event_id}", "PATCH")) == 2


async def test_a_moved_then_cancelled_meeting_leaves_the_diaries(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    graph_api.add_person(POLICE, [])
    event_id = await book(calendar)
    graph_api.respond(event_id, POLICE, "accepted")

    await calendar.move_event(event_id=event_id, start=at(14, day=2), end=at(15, 30, day=2))
    moved = await calendar.free_busy(people=[POLICE], start=at(0), end=at(0, day=5))
    assert moved[POLICE] == [Busy(at(14, day=2), at(15, 30, day=2))]

    await calendar.cancel_event(event_id=event_id, comment="Rearranged: see the case channel.")
    assert graph_api.events[event_id].cancelled == "Rearranged: see the case channel."
    after = await calendar.free_busy(people=[POLICE], start=at(0), end=at(0, day=5))
    assert after[POLICE] == []


async def test_an_event_that_is_gone_is_not_found_by_its_id(calendar: GraphCalendar) -> None:
    with pytest.raises(NotFound, match=r"^The calendar event AAMkAGV2ZW50999999AAA= no longer"):
        await calendar.responses(event_id="AAMkAGV2ZW50999999AAA=")

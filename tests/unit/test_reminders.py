"""Which reminders a case needs, on which working days, and when one stops mattering."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot import playbooks
from bot.calendars import england_and_wales
from bot.domain.meeting import Meeting
from bot.domain.playbook import Audience
from bot.domain.reminders import ReminderKind, plan_reminders, still_matters
from bot.domain.requests import InformationRequest
from bot.domain.stages import Stage
from bot.domain.timetable import build_timetable
from tests.conftest import build_bare_case

LLR = playbooks.load("llr")
WORKDAYS = england_and_wales([])
MEETING = datetime(2027, 1, 7, 10, tzinfo=UTC)  # Thu 7 Jan 2027, day 11


def planned(**case_changes: object) -> dict[str, tuple[ReminderKind, date]]:
    case = build_bare_case("LLR-RR-2026-001")
    case.stage = Stage.REQUESTS_SENT
    for name, value in case_changes.items():
        setattr(case, name, value)
    meeting_on = case.meeting.start.date() if case.meeting else None
    timetable = build_timetable(LLR, WORKDAYS, case.notified_on, meeting_on)
    return {
        r.key.split(":reminder:")[1]: (r.kind, r.on)
        for r in plan_reminders(case, timetable, LLR, WORKDAYS)
    }


def test_milestones_are_reminded_the_working_day_before_and_on_the_day() -> None:
    plan = planned()
    # Returns due Wed 6 Jan 2027 (day 10); the day before is Tue 5 Jan.
    assert plan["returns_due:day_before"] == (ReminderKind.MILESTONE, date(2027, 1, 5))
    assert plan["returns_due:on_the_day"] == (ReminderKind.MILESTONE, date(2027, 1, 6))


def test_the_day_before_a_monday_milestone_is_the_friday() -> None:
    plan = planned()
    # Requests are due by day 2, Tue 22 Dec: the day before is Mon 21 Dec.
    assert plan["requests_sent:day_before"][1] == date(2026, 12, 21)


def test_the_panel_countdown_runs_three_two_one_and_the_day() -> None:
    plan = planned()
    assert [plan[f"panel:{n}"][1] for n in (3, 2, 1, 0)] == [
        date(2027, 1, 8), date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 13),
    ]  # fmt: skip


def test_a_booked_meeting_brings_its_papers_and_eve_reminders() -> None:
    assert not any(k.startswith(("papers", "meeting_eve")) for k in planned())
    plan = planned(meeting=Meeting(start=MEETING, end=MEETING, day=11))
    assert plan["papers:2027-01-07"] == (ReminderKind.PAPERS, date(2027, 1, 6))
    assert plan["meeting_eve:2027-01-07"] == (ReminderKind.MEETING_EVE, date(2027, 1, 6))


def test_spocs_are_left_to_the_chase_ladder() -> None:
    case = build_bare_case("LLR-RR-2026-001")
    timetable = build_timetable(LLR, WORKDAYS, case.notified_on)
    for r in plan_reminders(case, timetable, LLR, WORKDAYS):
        assert Audience.SPOCS not in r.audience and Audience.SPOC not in r.audience


def test_a_reminder_stops_mattering_when_its_work_is_done_or_its_date_moved() -> None:
    case = build_bare_case("LLR-RR-2026-001")
    case.stage = Stage.REQUESTS_SENT
    returns = {"milestone": "returns_due", "when": "on_the_day"}
    case.requests["la"] = InformationRequest("la", date(2027, 1, 6), date(2026, 12, 21))
    assert still_matters(case, ReminderKind.MILESTONE, returns) is None
    case.requests["la"].state = case.requests["la"].state.RETURNED
    assert still_matters(case, ReminderKind.MILESTONE, returns) == (
        "every agency has returned its information"
    )
    case.meeting = Meeting(start=MEETING, end=MEETING, day=11)
    eve = {"meeting_start": datetime(2027, 1, 8, 10, tzinfo=UTC).isoformat()}
    assert still_matters(case, ReminderKind.MEETING_EVE, eve) == "the meeting was moved"
    case.stage = Stage.SUBMITTED
    assert still_matters(case, ReminderKind.PANEL_COUNTDOWN, {"left": 1}) == (
        "the decision is with the Panel"
    )
    case.stage = Stage.CLOSED
    assert still_matters(case, ReminderKind.PANEL_COUNTDOWN, {"left": 1}) == "the case is closed"

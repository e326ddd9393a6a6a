"""Red, amber, green: a case's standing against its statutory timetable, in words."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot import playbooks
from bot.calendars import england_and_wales
from bot.domain.cases import Case
from bot.domain.meeting import Meeting
from bot.domain.rag import Rag, Standing, standing
from bot.domain.requests import InformationRequest, ReturnKind
from bot.domain.stages import Stage
from bot.domain.timetable import build_timetable
from tests.conftest import build_bare_case

WORKDAYS = england_and_wales([])
LLR = playbooks.load("llr")
# LLR notified Fri 18 Dec 2026: returns due Wed 6 Jan, window Thu 31 Dec to Mon 11 Jan,
# Panel deadline Wed 13 Jan 2027.


def case_with(*, returned: bool, stage: Stage = Stage.REQUESTS_SENT, meeting: bool = False) -> Case:
    case = build_bare_case("LLR-RR-2026-001")
    case.stage = stage
    for code in case.agencies:
        request = InformationRequest(agency=code, due=date(2027, 1, 6), sent_on=date(2026, 12, 18))
        if returned:
            request.record_return(ReturnKind.NIL, date(2026, 12, 22), 0, "")
        case.requests[code] = request
    if meeting:
        start = datetime(2027, 1, 5, 10, tzinfo=UTC)
        case.meeting = Meeting(start=start, end=start, day=11)
    return case


def judged(case: Case, today: date) -> Standing:
    timetable = build_timetable(LLR, WORKDAYS, case.notified_on)
    return standing(case, timetable, today, WORKDAYS)


def test_a_case_with_time_in_hand_is_green() -> None:
    assert judged(case_with(returned=False), date(2026, 12, 21)).rag is Rag.GREEN


def test_returns_due_within_two_working_days_turn_it_amber() -> None:
    result = judged(
        case_with(returned=False, stage=Stage.MEETING_BOOKED, meeting=True), date(2027, 1, 4)
    )
    assert (result.rag, result.reason) == (Rag.AMBER, "due in 2 working days: 2 agency returns")


def test_returns_outstanding_after_their_deadline_turn_it_red() -> None:
    result = judged(case_with(returned=False), date(2027, 1, 7))
    assert (result.rag, result.reason) == (Rag.RED, "overdue since Wed 06 Jan: 2 agency returns")


def test_an_open_window_with_nothing_booked_is_amber() -> None:
    result = judged(case_with(returned=True), date(2026, 12, 31))
    assert result.rag is Rag.AMBER
    assert result.reason == "the meeting window is open and no meeting is booked"


def test_a_booked_meeting_inside_the_window_is_green() -> None:
    case = case_with(returned=True, stage=Stage.MEETING_BOOKED, meeting=True)
    assert judged(case, date(2026, 12, 31)).rag is Rag.GREEN


@pytest.mark.parametrize(("stage", "rag"), [(Stage.DECIDED, Rag.RED), (Stage.SUBMITTED, Rag.GREEN)])
def test_after_the_panel_deadline_only_a_submitted_case_is_not_red(stage: Stage, rag: Rag) -> None:
    case = case_with(returned=True, stage=stage, meeting=True)
    assert case.meeting is not None
    case.meeting.held_on = date(2027, 1, 5)
    assert judged(case, date(2027, 1, 14)).rag is rag

"""When the papers go out: the moment a return stops being open to additions (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import playbooks
from bot.calendars import england_and_wales
from bot.domain.cases import Case
from bot.domain.meeting import Meeting
from bot.domain.papers import (
    PackPart,
    next_version,
    papers_day,
    papers_gone_out,
    papers_key,
    what_changed,
)
from bot.domain.papers_sent import PapersSent
from bot.domain.timetable import Timetable, build_timetable
from tests.conftest import build_bare_case

WORKDAYS = england_and_wales([])

# With no meeting booked: the playbook's circulation milestone, by its working day. B&NES has
# none: papers_days_before (1) the last day the meeting may be held (day 10), so day 9.
CIRCULATION_DAY = {"llr": 10, "leeds": 10, "kent-2024": 9, "kent-2019": 12, "bnes": 9}


def setting(key: str, meeting_on: date | None = None) -> tuple[Case, Timetable]:
    case = build_bare_case("LLR-RR-2026-001")
    if meeting_on is not None:
        start = datetime.combine(meeting_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
        case.meeting = Meeting(start=start, end=start + timedelta(hours=1), day=0)
    playbook = playbooks.load(key)
    return case, build_timetable(playbook, WORKDAYS, case.notified_on, meeting_on)


@pytest.mark.parametrize("key", sorted(CIRCULATION_DAY))
def test_with_no_meeting_booked_the_papers_go_out_on_the_circulation_day(key: str) -> None:
    case, timetable = setting(key)
    rules = playbooks.load(key).meeting
    day = timetable.days[CIRCULATION_DAY[key]]
    assert papers_day(case, timetable, rules, WORKDAYS) == day
    assert not papers_gone_out(case, timetable, rules, WORKDAYS, day)  # added to all that day
    assert papers_gone_out(case, timetable, rules, WORKDAYS, day + timedelta(days=1))


@pytest.mark.parametrize("key", sorted(CIRCULATION_DAY))
def test_with_a_meeting_booked_they_go_out_papers_days_before_it(key: str) -> None:
    playbook = playbooks.load(key)
    meeting_on = setting(key)[1].days[playbook.meeting.window.latest]
    case, timetable = setting(key, meeting_on)
    expected = WORKDAYS.add(meeting_on, -playbook.meeting.papers_days_before)
    assert papers_day(case, timetable, playbook.meeting, WORKDAYS) == expected
    assert not papers_gone_out(case, timetable, playbook.meeting, WORKDAYS, expected)
    assert papers_gone_out(case, timetable, playbook.meeting, WORKDAYS, meeting_on)


def test_llr_papers_for_a_thursday_meeting_go_out_the_wednesday_before() -> None:
    case, timetable = setting("llr", date(2027, 1, 7))  # Thu 7 Jan 2027, day 11
    rules = playbooks.load("llr").meeting
    assert papers_day(case, timetable, rules, WORKDAYS) == date(2027, 1, 6)


def test_once_the_meeting_is_held_the_papers_have_gone_out_whatever_the_date() -> None:
    case, timetable = setting("llr", date(2027, 1, 7))
    assert case.meeting is not None
    case.meeting.held_on = date(2027, 1, 7)
    rules = playbooks.load("llr").meeting
    assert papers_gone_out(case, timetable, rules, WORKDAYS, date(2027, 1, 1))


def part(
    agency: str, returned: bool, version: int = 0, additions: int = 0, digest: str = "a"
) -> PackPart:
    return PackPart(agency, returned, version, additions, digest)


NAMES = {"police": "Police", "icb": "Health", "la": "Children's Social Care"}


def changes(before: list[PackPart], now: list[PackPart], late: dict[str, int]) -> list[str]:
    return what_changed(
        [p.encoded() for p in before], now, NAMES.__getitem__, lambda a: late.get(a, 0)
    )


def test_what_changed_says_each_agency_in_a_few_words_in_the_packs_order() -> None:
    before = [part("la", True, digest="1"), part("police", False), part("icb", True, 1)]
    now = [
        part("la", True, digest="1"),  # the same: not said
        part("police", True, digest="b"),
        part("icb", True, 2, digest="c"),
    ]
    assert changes(before, now, {"police": 2}) == [
        "Police's return received, 2 working days late",
        "Health's return updated to version 2",
    ]


def test_an_addition_or_any_other_change_is_said_too() -> None:
    before = [part("la", True, additions=0), part("icb", True)]
    now = [part("la", True, additions=1, digest="b"), part("icb", True, digest="c")]
    assert changes(before, now, {}) == [
        "Children's Social Care's return added to",
        "Health's return changed",
    ]


def test_a_return_on_time_is_received_with_no_lateness() -> None:
    assert changes([part("la", False)], [part("la", True, digest="b")], {}) == [
        "Children's Social Care's return received"
    ]


def test_a_part_read_back_is_the_part_kept() -> None:
    kept = part("police", True, 3, 2, "deadbeef")
    assert PackPart.decoded(*kept.encoded()) == kept
    assert PackPart.decoded("police", "garbled") == PackPart("police", False, 0, 0, "")


def test_versions_follow_the_last_one_sent_and_each_has_its_own_key() -> None:
    sent = PapersSent(
        version=2, sent_at=datetime(2027, 1, 6, 15, tzinfo=UTC), fingerprint="f", documents=()
    )
    assert next_version([]) == 1
    assert next_version([sent]) == 3
    assert papers_key("LLR-RR-2026-001", 3) == "LLR-RR-2026-001:papers:v3"

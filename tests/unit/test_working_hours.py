"""Messages to people wait for working hours: 09:00 to 17:00 on working days, London time,
whatever the season; evenings, weekends and bank holidays wait for the next working morning."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.calendars import england_and_wales
from bot.domain.playbook import WorkingHours
from bot.domain.working_hours import WorkingTime

LONDON = ZoneInfo("Europe/London")
OFFICE = WorkingTime(WorkingHours(), england_and_wales())


def london(text: str) -> datetime:
    """'Sat 2026-11-14 23:00' -> that wall-clock time in London (the weekday is a check)."""
    weekday, day, hhmm = text.split()
    at = datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), tzinfo=LONDON)
    assert f"{at:%a}" == weekday, f"{day} is a {at:%A}"
    return at


@pytest.mark.parametrize(
    ("at", "sendable"),
    [
        ("Sat 2026-11-14 23:00", "Mon 2026-11-16 09:00"),  # the weekend waits for Monday
        ("Fri 2026-11-13 17:00", "Mon 2026-11-16 09:00"),  # 17:00 is already after hours
        ("Fri 2026-11-13 16:59", "Fri 2026-11-13 16:59"),  # the last minute still counts
        ("Wed 2026-11-11 08:59", "Wed 2026-11-11 09:00"),  # early: the same morning
        ("Wed 2026-11-11 09:00", "Wed 2026-11-11 09:00"),
        ("Wed 2026-11-11 21:30", "Thu 2026-11-12 09:00"),  # evening: the next morning
        ("Thu 2026-12-24 18:00", "Tue 2026-12-29 09:00"),  # Christmas, weekend, Boxing Day sub
        ("Fri 2026-12-25 10:00", "Tue 2026-12-29 09:00"),  # Christmas Day itself
        ("Thu 2026-12-31 17:30", "Mon 2027-01-04 09:00"),  # New Year's Day, then a weekend
        ("Thu 2027-03-25 19:00", "Tue 2027-03-30 09:00"),  # Easter, and BST starts on Sunday
    ],
)
def test_the_next_moment_a_message_may_be_sent(at: str, sendable: str) -> None:
    assert OFFICE.next_sendable(london(at)) == london(sendable)


def test_british_summer_time_starts_over_the_weekend() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026: Friday evening is GMT,
    # Monday morning BST, and 09:00 means 09:00 on the wall both times.
    sendable = OFFICE.next_sendable(london("Fri 2026-03-27 18:00"))
    assert sendable == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert sendable.astimezone(LONDON).time() == time(9, 0)
    assert OFFICE.next_sendable(london("Thu 2026-03-26 18:00")) == datetime(
        2026, 3, 27, 9, 0, tzinfo=UTC
    )  # 09:00 GMT


def test_british_summer_time_ends_over_the_weekend() -> None:
    # Clocks go back at 01:00 GMT on Sunday 25 October 2026.
    sendable = OFFICE.next_sendable(london("Fri 2026-10-23 17:15"))
    assert sendable == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # 09:00 GMT
    assert OFFICE.contains(datetime(2026, 10, 23, 15, 59, tzinfo=UTC))  # 16:59 BST, Friday
    assert not OFFICE.contains(datetime(2026, 10, 23, 16, 0, tzinfo=UTC))  # 17:00 BST


def test_a_partnership_closure_day_is_not_a_working_morning() -> None:
    closed = WorkingTime(WorkingHours(), england_and_wales([date(2026, 12, 24)]))
    assert closed.next_sendable(london("Wed 2026-12-23 17:00")) == london("Tue 2026-12-29 09:00")


def test_other_hours_and_zones_are_honoured() -> None:
    early = WorkingTime(
        WorkingHours(start=time(7, 30), end=time(15, 0), timezone="Europe/London"),
        england_and_wales(),
    )
    assert early.next_sendable(london("Wed 2026-11-11 15:00")) == london("Thu 2026-11-12 07:30")
    assert early.contains(london("Wed 2026-11-11 07:30"))


def test_an_action_is_late_once_the_working_period_it_was_meant_for_is_over() -> None:
    due = london("Mon 2027-01-04 09:00")
    assert OFFICE.missed_since(due, london("Mon 2027-01-04 16:59")) is None  # same day: on time
    assert OFFICE.missed_since(due, london("Mon 2027-01-04 17:00")) == date(2027, 1, 4)
    assert OFFICE.missed_since(due, london("Thu 2027-01-07 09:00")) == date(2027, 1, 4)
    # Due on a Saturday, it was meant for Monday morning: Monday is on time, Tuesday late.
    saturday = london("Sat 2027-01-09 09:00")
    assert OFFICE.missed_since(saturday, london("Mon 2027-01-11 09:00")) is None
    assert OFFICE.missed_since(saturday, london("Tue 2027-01-12 09:00")) == date(2027, 1, 11)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        OFFICE.next_sendable(datetime(2026, 11, 14, 23, 0))


# --- properties -----------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2032, 12, 31), timezones=st.just(UTC)
)
# Starts from 03:00: London's clock changes happen at 01:00-02:00, and a working day that
# starts inside a skipped hour is not a real configuration.
hours = st.builds(
    lambda start, length: WorkingHours(
        start=time(start // 60, start % 60),
        end=time(min(start + length, 23 * 60 + 59) // 60, min(start + length, 23 * 60 + 59) % 60),
    ),
    st.integers(3 * 60, 20 * 60),
    st.integers(15, 12 * 60),
)


@given(at=instants, working=hours)
def test_the_result_is_never_earlier_and_always_inside_working_hours(
    at: datetime, working: WorkingHours
) -> None:
    office = WorkingTime(working, OFFICE.calendar)
    sendable = office.next_sendable(at)
    assert sendable >= at
    assert office.contains(sendable)
    assert office.next_sendable(sendable) == sendable  # idempotent


@given(at=instants)
def test_nothing_sendable_is_skipped(at: datetime) -> None:
    """Every minute between `at` and the answer is outside working hours: it is the first."""
    sendable = OFFICE.next_sendable(at)
    step = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while step < sendable:
        assert not OFFICE.contains(step), step
        step += timedelta(minutes=37)  # coprime with an hour: samples drift through the day

"""Working days: weekends, England & Wales bank holidays (substitutes and one-offs included) and
a partnership's own closure days are not counted; playbooks say whether notification is day 0
or day 1."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.calendars import england_and_wales, england_and_wales_bank_holidays
from bot.domain.workdays import Counting, WorkingCalendar

EW = england_and_wales()
D = date.fromisoformat


# --- bank holidays --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-12-25", "bank holiday"),  # Christmas Day, Friday
        ("2026-12-26", "weekend"),  # Boxing Day falls on a Saturday ...
        ("2026-12-28", "bank holiday"),  # ... so Monday is its substitute
        ("2027-12-27", "bank holiday"),  # Christmas 2027 is a Saturday: substitute Monday
        ("2027-12-28", "bank holiday"),  # Boxing Day 2027 is a Sunday: substitute Tuesday
        ("2026-04-03", "bank holiday"),  # Good Friday 2026
        ("2026-04-06", "bank holiday"),  # Easter Monday 2026: England and Wales, not Scotland
        ("2027-03-26", "bank holiday"),  # Good Friday 2027
        ("2027-03-29", "bank holiday"),  # Easter Monday 2027
        ("2022-06-03", "bank holiday"),  # Platinum Jubilee (one-off)
        ("2022-09-19", "bank holiday"),  # State Funeral of Queen Elizabeth II (one-off)
        ("2023-05-08", "bank holiday"),  # Coronation of King Charles III (one-off)
        ("2026-12-24", None),  # Christmas Eve is a working day
        ("2026-12-29", None),
        ("2022-09-20", None),
    ],
)
def test_closure_reasons(day: str, reason: str | None) -> None:
    assert EW.closure_reason(D(day)) == reason
    assert EW.is_working_day(D(day)) is (reason is None)


def test_easter_monday_needs_the_england_subdivision() -> None:
    import holidays

    assert D("2026-04-06") in england_and_wales_bank_holidays(2026)
    assert D("2026-04-06") not in holidays.country_holidays("GB", years=2026)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-12-24", 1, "2026-12-29"),  # over Christmas, the weekend and Boxing Day's Monday
        ("2026-12-29", -1, "2026-12-24"),
        ("2026-12-24", 4, "2027-01-04"),  # 29, 30, 31 Dec, then New Year's Day is closed
        ("2027-12-24", 1, "2027-12-29"),  # two substitute days, 27 and 28 Dec 2027
        ("2026-04-02", 1, "2026-04-07"),  # Good Friday and Easter Monday 2026
        ("2027-03-25", 1, "2027-03-30"),  # Good Friday and Easter Monday 2027
        ("2022-06-01", 1, "2022-06-06"),  # Spring bank holiday moved to 2 Jun, Jubilee 3 Jun
        ("2022-09-16", 1, "2022-09-20"),  # the State Funeral Monday
        ("2023-05-05", 1, "2023-05-09"),  # the Coronation Monday
        ("2026-12-26", 1, "2026-12-29"),  # from a closed day, the next working day is 1
        ("2026-12-26", -1, "2026-12-24"),
        ("2026-11-11", 0, "2026-11-11"),
    ],
)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert EW.add(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-12-18", "2027-01-13", 15),  # the LLR example: notified to Panel deadline
        ("2027-01-13", "2026-12-18", -15),
        ("2026-12-24", "2026-12-28", 0),  # Christmas, a weekend and a substitute day
        ("2027-12-24", "2027-12-31", 3),  # 29, 30, 31 Dec 2027
        ("2027-03-25", "2027-03-30", 1),
        ("2026-11-11", "2026-11-11", 0),
    ],
)
def test_between(start: str, end: str, expected: int) -> None:
    assert EW.between(D(start), D(end)) == expected


def test_an_extra_closure_day_is_not_a_working_day() -> None:
    closed = england_and_wales(extra_closures=[D("2026-12-29")])
    assert closed.closure_reason(D("2026-12-29")) == "partnership closure day"
    assert closed.add(D("2026-12-24"), 1) == D("2026-12-30")
    assert closed.between(D("2026-12-24"), D("2026-12-31")) == 2
    assert EW.add(D("2026-12-24"), 1) == D("2026-12-29")  # other calendars are unaffected


# --- counting conventions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counting", "notified", "n", "expected"),
    [
        # day0: the notified date is day 0, whatever day it is; day N is N working days on.
        (Counting.DAY0, "2026-12-18", 0, "2026-12-18"),
        (Counting.DAY0, "2026-12-18", 1, "2026-12-21"),
        (Counting.DAY0, "2026-12-18", 5, "2026-12-29"),
        (Counting.DAY0, "2026-12-19", 0, "2026-12-19"),  # a Saturday is still day 0
        (Counting.DAY0, "2026-12-19", 1, "2026-12-21"),
        (Counting.DAY0, "2027-03-26", 1, "2027-03-30"),  # Good Friday, then Easter Monday
        # day1: day 1 is the notified date if it is a working day, else the next working day.
        (Counting.DAY1, "2026-12-18", 1, "2026-12-18"),
        (Counting.DAY1, "2026-12-18", 2, "2026-12-21"),
        (Counting.DAY1, "2026-12-18", 15, "2027-01-12"),
        (Counting.DAY1, "2026-12-19", 1, "2026-12-21"),  # Saturday: Monday is day 1
        (Counting.DAY1, "2026-12-19", 2, "2026-12-22"),
        (Counting.DAY1, "2026-12-25", 1, "2026-12-29"),  # Christmas Day: the next working day
        (Counting.DAY1, "2027-03-26", 1, "2027-03-30"),
    ],
)
def test_day_n(counting: Counting, notified: str, n: int, expected: str) -> None:
    assert EW.day_n(D(notified), n, counting) == D(expected)
    assert EW.number_of(D(notified), D(expected), counting) == n


def test_day_numbers_covers_the_first_to_the_last_day() -> None:
    assert list(EW.day_numbers(D("2026-12-18"), 3, Counting.DAY0)) == [0, 1, 2, 3]
    assert list(EW.day_numbers(D("2026-12-19"), 3, Counting.DAY1)) == [1, 2, 3]


# --- properties -----------------------------------------------------------------------------

days = st.dates(min_value=date(2018, 1, 1), max_value=date(2040, 12, 31))
steps = st.integers(min_value=-600, max_value=600)
countings = st.sampled_from(Counting)


def calendar_with(closures: frozenset[date]) -> WorkingCalendar:
    """A fresh calendar (nothing cached) with some of a partnership's own closure days."""
    return england_and_wales(extra_closures=closures)


calendars = st.frozensets(days, max_size=8).map(calendar_with)


def step_by_step_add(cal: WorkingCalendar, day: date, n: int) -> date:
    """The obvious, slow definition the fast calendar must agree with."""
    step = timedelta(days=1 if n >= 0 else -1)
    while n:
        day += step
        if cal.is_working_day(day):
            n -= 1 if n > 0 else -1
    return day


@given(calendars, days, steps)
def test_add_agrees_with_stepping_one_day_at_a_time(cal: WorkingCalendar, d: date, n: int) -> None:
    assert cal.add(d, n) == step_by_step_add(cal, d, n)


@given(calendars, days, steps)
def test_add_then_between_round_trips(cal: WorkingCalendar, d: date, n: int) -> None:
    assume(n >= 0 or cal.is_working_day(d))  # back from a closed day, that day is not counted
    assert cal.between(d, cal.add(d, n)) == n


@given(calendars, days, days)
def test_between_then_add_reaches_any_working_day(cal: WorkingCalendar, a: date, b: date) -> None:
    assume(cal.is_working_day(b) and (b >= a or cal.is_working_day(a)))
    assert cal.add(a, cal.between(a, b)) == b


@given(calendars, days, steps.filter(lambda n: n != 0))
def test_add_lands_on_a_working_day(cal: WorkingCalendar, d: date, n: int) -> None:
    assert cal.is_working_day(cal.add(d, n))


@given(calendars, days, days)
def test_between_is_antisymmetric(cal: WorkingCalendar, a: date, b: date) -> None:
    assert cal.between(a, b) == -cal.between(b, a)


@given(calendars, days, days, days)
def test_between_is_monotonic_in_its_end(cal: WorkingCalendar, s: date, a: date, b: date) -> None:
    a, b = min(a, b), max(a, b)
    assert cal.between(s, a) <= cal.between(s, b)
    assert cal.between(a, b) <= (b - a).days


@given(calendars, days, steps, steps)
def test_add_is_strictly_increasing_in_n(cal: WorkingCalendar, d: date, n: int, m: int) -> None:
    assume(n != m)
    n, m = min(n, m), max(n, m)
    assert cal.add(d, n) < cal.add(d, m)


@given(calendars, days, st.integers(min_value=0, max_value=40), countings)
def test_day_numbers_agrees_with_day_n(
    cal: WorkingCalendar, notified: date, last: int, counting: Counting
) -> None:
    numbered = cal.day_numbers(notified, last, counting)
    first = 1 if counting is Counting.DAY1 else 0
    assert list(numbered) == list(range(first, max(last, first) + 1))
    for n, day in numbered.items():
        assert day == cal.day_n(notified, n, counting)


@given(calendars, days, st.integers(min_value=1, max_value=60), countings)
def test_number_of_inverts_day_n(
    cal: WorkingCalendar, notified: date, n: int, counting: Counting
) -> None:
    day = cal.day_n(notified, n, counting)
    assert cal.is_working_day(day)
    assert cal.number_of(notified, day, counting) == n


@given(calendars, days)
def test_on_or_after_is_the_first_working_day_from_a_date(cal: WorkingCalendar, d: date) -> None:
    first = cal.on_or_after(d)
    assert cal.is_working_day(first)
    assert all(not cal.is_working_day(d + timedelta(i)) for i in range((first - d).days))

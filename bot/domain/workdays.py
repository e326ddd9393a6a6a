"""Working-day arithmetic: weekends, bank holidays and extra closure days excluded.

Pure: the bank-holiday source is injected (see `bot.calendars`), so the domain needs no
third-party data and tests can supply their own closures.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum

HolidaySource = Callable[[int], Iterable[date]]
"""Returns the bank holidays of one calendar year."""


class Counting(StrEnum):
    """How a playbook numbers the notification date (ARCHITECTURE.md §4)."""

    DAY0 = "day0"  # the notification date is day 0; day N is the Nth working day after it
    DAY1 = "day1"  # day 1 is the notification date, or the next working day if it is not one


class WorkingCalendar:
    """Answers working-day questions for one partnership.

    Counting is a binary search in the sorted ordinals of the working days of whole years,
    built once per year on first use: a timetable costs a few lookups, not a walk day by day.
    """

    def __init__(self, holidays: HolidaySource, extra_closures: Iterable[date] = ()) -> None:
        self._holidays = holidays
        self._closures = frozenset(extra_closures)
        self._closed_by_year: dict[int, frozenset[date]] = {}
        # (first year, last year, working-day ordinals of those years), replaced whole when it
        # grows so that a reader never sees a half-built span.
        self._span: tuple[int, int, list[int]] = (0, -1, [])

    def _closed(self, year: int) -> frozenset[date]:
        closed = self._closed_by_year.get(year)
        if closed is None:
            closed = frozenset(self._holidays(year)) | {d for d in self._closures if d.year == year}
            self._closed_by_year[year] = closed
        return closed

    def _working_ordinals(self, year: int) -> list[int]:
        closed = {d.toordinal() for d in self._closed(year)}
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        # Ordinal 1 (1 Jan of year 1) was a Monday, so (o - 1) % 7 is the weekday.
        return [o for o in range(first, last + 1) if (o - 1) % 7 < 5 and o not in closed]

    def _covering(self, *years: int) -> list[int]:
        """The working-day ordinals of a span of whole years that includes `years`."""
        first, last, ordinals = self._span
        low, high = min(years), max(years)
        if first <= low and high <= last:
            return ordinals
        if first > last:  # nothing built yet
            first, last = low, low - 1
        before = [o for y in range(low, first) for o in self._working_ordinals(y)]
        after = [o for y in range(last + 1, high + 1) for o in self._working_ordinals(y)]
        ordinals = before + ordinals + after
        self._span = (min(first, low), max(last, high), ordinals)
        return ordinals

    def _nth(self, day: date, index_of: Callable[[list[int]], int]) -> date:
        """The working day at `index_of(ordinals)`, growing the span until it is inside."""
        years = [day.year]
        while True:
            ordinals = self._covering(*years)
            i = index_of(ordinals)
            if 0 <= i < len(ordinals):
                return date.fromordinal(ordinals[i])
            first, last, _ = self._span
            shortfall = -i if i < 0 else i - len(ordinals) + 1
            grow = shortfall // 250 + 1  # about 250 working days a year
            years = [first - grow] if i < 0 else [last + grow]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._closed(day.year)

    def closure_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, or None when it is one."""
        if day.weekday() >= 5:
            return "weekend"
        if day in self._closures:
            return "partnership closure day"
        if day in self._closed(day.year):
            return "bank holiday"
        return None

    def on_or_after(self, day: date) -> date:
        """The first working day on or after `day`."""
        o = day.toordinal()
        return self._nth(day, lambda ordinals: bisect_left(ordinals, o))

    def add(self, day: date, n: int) -> date:
        """The Nth working day after `day` (before it when n < 0); n == 0 returns `day`."""
        if n == 0:
            return day
        o = day.toordinal()
        if n > 0:
            return self._nth(day, lambda ordinals: bisect_right(ordinals, o) + n - 1)
        return self._nth(day, lambda ordinals: bisect_left(ordinals, o) + n)

    def following(self, day: date, count: int) -> list[date]:
        """The next `count` working days strictly after `day`, in order."""
        if count <= 0:
            return []
        ordinals = self._covering(day.year, self.add(day, count).year)
        i = bisect_right(ordinals, day.toordinal())
        return [date.fromordinal(o) for o in ordinals[i : i + count]]

    def between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` is after `start`.

        Negative when `end` is before `start`, so `add(start, between(start, end))` is `end`
        whenever `end` is a working day and `start` is either one too or not after `end`
        (counting back from a closed day, that day is not counted).
        """
        if end < start:
            return -self.between(end, start)
        ordinals = self._covering(start.year, end.year)
        return bisect_right(ordinals, end.toordinal()) - bisect_right(ordinals, start.toordinal())

    def day_n(self, notified: date, n: int, counting: Counting) -> date:
        """The date of working day `n` of a case notified on `notified`."""
        return self.day_numbers(notified, n, counting)[n]

    def day_numbers(self, notified: date, last: int, counting: Counting) -> dict[int, date]:
        """Dates of working days 0 (or 1) to `last` in one pass: cheap for whole timetables."""
        if counting is Counting.DAY0:
            days = {0: notified}
            for i, d in enumerate(self.following(notified, last), start=1):
                days[i] = d
            return days
        first = self.on_or_after(notified)
        days = {1: first}
        for i, d in enumerate(self.following(first, max(last - 1, 0)), start=2):
            days[i] = d
        return days

    def number_of(self, notified: date, day: date, counting: Counting) -> int:
        """Which working day of the case `day` is (the inverse of `day_n` on working days)."""
        if counting is Counting.DAY0:
            return self.between(notified, day)
        return self.between(self.on_or_after(notified), day) + 1

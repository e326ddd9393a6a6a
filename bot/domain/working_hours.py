"""When a message may reach a person: working hours on working days, in the partnership's zone.

Pure: the instant is given, never read. Hours are wall-clock times in `WorkingHours.timezone`,
so "09:00" is 09:00 GMT in winter and 09:00 BST in summer; the start is inclusive and the end
exclusive (a nudge at 17:00 waits for the next morning).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.playbook import WorkingHours
from bot.domain.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class WorkingTime:
    hours: WorkingHours
    calendar: WorkingCalendar

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.hours.timezone)

    def contains(self, at: datetime) -> bool:
        """Whether `at` falls inside working hours on a working day."""
        local = _local(at, self.zone)
        return (
            self.calendar.is_working_day(local.date())
            and self.hours.start <= local.time() < self.hours.end
        )

    def next_sendable(self, at: datetime) -> datetime:
        """`at` itself when it is inside working hours, else the start of the next working
        period (aware UTC): evenings, weekends and bank holidays wait for the next morning."""
        if self.contains(at):
            return at
        local = _local(at, self.zone)
        day = local.date()
        if not (self.calendar.is_working_day(day) and local.time() < self.hours.start):
            day = self.calendar.on_or_after(day + timedelta(days=1))
        return self.opening(day)

    def opening(self, day: date) -> datetime:
        """The start of working hours on `day`, aware UTC (the offset of that very day)."""
        return datetime.combine(day, self.hours.start, tzinfo=self.zone).astimezone(UTC)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.hours.end, tzinfo=self.zone).astimezone(UTC)

    def missed_since(self, due_at: datetime, now: datetime) -> date | None:
        """The working day whose period something due at `due_at` should have run in, when
        that whole period is over by `now` (it is late, e.g. after downtime); else None."""
        meant = self.next_sendable(due_at)
        day = _local(meant, self.zone).date()
        return day if now >= self.closing(day) else None


def _local(at: datetime, zone: ZoneInfo) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("working hours need an aware datetime")
    return at.astimezone(zone)

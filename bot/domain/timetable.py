"""Notification date -> every dated milestone of a playbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.playbook import Audience, Playbook
from bot.domain.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class DatedMilestone:
    key: str
    title: str
    day: int
    due: date
    audience: tuple[Audience, ...]


@dataclass(frozen=True, slots=True)
class Timetable:
    playbook: str
    notified: date
    milestones: tuple[DatedMilestone, ...]
    meeting_window: tuple[date, date]
    information_deadline: date
    panel_deadline: date
    days: dict[int, date]  # working-day number -> date, for every day the playbook uses

    def window_days(self, earliest: int, latest: int) -> list[tuple[int, date]]:
        return [(n, self.days[n]) for n in range(earliest, latest + 1)]

    def milestone(self, key: str) -> DatedMilestone:
        return next(m for m in self.milestones if m.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "playbook": self.playbook,
            "notified": self.notified.isoformat(),
            "milestones": [
                {"key": m.key, "title": m.title, "day": m.day, "due": m.due.isoformat()}
                for m in self.milestones
            ],
            "meeting_window": {
                "earliest": self.meeting_window[0].isoformat(),
                "latest": self.meeting_window[1].isoformat(),
            },
            "information_deadline": self.information_deadline.isoformat(),
            "panel_deadline": self.panel_deadline.isoformat(),
        }


def build_timetable(
    playbook: Playbook,
    calendar: WorkingCalendar,
    notified: date,
    meeting_on: date | None = None,
) -> Timetable:
    """Date every milestone; once a meeting is booked, ratification follows its real date."""
    days = calendar.day_numbers(notified, playbook.last_day, playbook.counting)
    window = playbook.meeting.window
    milestones = [
        DatedMilestone(m.key, m.title, m.day, days[m.day], m.audience) for m in playbook.milestones
    ]
    meeting_day = window.latest
    meeting_title = (
        f"Rapid Review meeting (on day {window.latest})"
        if window.earliest == window.latest
        else f"Rapid Review meeting (between day {window.earliest} and day {window.latest})"
    )
    meeting_due = days[window.latest]
    if meeting_on is not None:
        meeting_day = calendar.number_of(notified, meeting_on, playbook.counting)
        meeting_title, meeting_due = "Rapid Review meeting", meeting_on
    milestones.append(
        DatedMilestone(
            "meeting", meeting_title, meeting_day, meeting_due, playbook.meeting.audience
        )
    )
    if playbook.ratification.required:
        lag = playbook.ratification.after_meeting.latest
        due = calendar.add(meeting_due, lag)
        by = f" by {playbook.ratification.by}" if playbook.ratification.by else ""
        milestones.append(
            DatedMilestone(
                "ratification",
                f"Decision ratified{by} ({lag} working days after the meeting at most)",
                calendar.number_of(notified, due, playbook.counting),
                due,
                (Audience.CHAIR, Audience.PARTNERS),
            )
        )
    milestones.append(
        DatedMilestone(
            "panel_deadline",
            "Decision sent to the National Panel",
            playbook.panel_deadline,
            days[playbook.panel_deadline],
            (Audience.BUSINESS_OFFICER, Audience.CHAIR),
        )
    )
    milestones.sort(key=lambda m: (m.due, m.day))
    return Timetable(
        playbook=playbook.key,
        notified=notified,
        milestones=tuple(milestones),
        meeting_window=(days[window.earliest], days[window.latest]),
        information_deadline=days[playbook.information_deadline],
        panel_deadline=days[playbook.panel_deadline],
        days=days,
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 -> 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last))


def build_referral_timetable(
    playbook: Playbook, calendar: WorkingCalendar, received: date
) -> Timetable:
    """The referral track (seed 001 §4.9): one month to first discussion, two to decision.

    Calendar months, brought forward to a working day when they land on a closed day, so a
    deadline is never a day nobody is at work. `panel_deadline` holds the decision date.
    """
    track = playbook.referral
    if track is None:
        from bot.domain.errors import InvalidInput

        raise InvalidInput(f"The {playbook.key} playbook has no referral track.")

    def due(months: int) -> date:
        day = add_months(received, months)
        return day if calendar.is_working_day(day) else calendar.add(day, -1)

    discussion, decision = due(track.first_discussion_months), due(track.decision_months)

    def number(day: date) -> int:
        return calendar.number_of(received, day, playbook.counting)

    milestones = (
        DatedMilestone(
            "first_discussion",
            "Referral discussed at the Case Review Group",
            number(discussion),
            discussion,
            (Audience.CHAIR, Audience.BUSINESS_OFFICER),
        ),
        DatedMilestone(
            "threshold_decision",
            "Case Review Group decides on the referral",
            number(decision),
            decision,
            (Audience.CHAIR, Audience.PARTNERS),
        ),
    )
    return Timetable(
        playbook=playbook.key,
        notified=received,
        milestones=milestones,
        meeting_window=(received, discussion),
        information_deadline=discussion,
        panel_deadline=decision,
        days={},
    )

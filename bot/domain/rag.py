"""Red, amber or green: how a case stands against its statutory timetable, at a glance.

Red: a deadline has passed with its work undone (returns outstanding after the information
deadline, no meeting held by the end of the window, no submission by the Panel deadline).
Amber: the next undone deadline is within AMBER_WORKING_DAYS, or the meeting window is open
and nothing is booked. Green otherwise. The reason is in words, for the person's App Home.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.cases import Case
from bot.domain.stages import Stage, Track
from bot.domain.timetable import Timetable
from bot.domain.workdays import WorkingCalendar

AMBER_WORKING_DAYS = 2
_DONE_BY_PANEL = frozenset({Stage.SUBMITTED, Stage.CLOSED})


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True, slots=True)
class Standing:
    rag: Rag
    reason: str


def standing(case: Case, timetable: Timetable, today: date, workdays: WorkingCalendar) -> Standing:
    if case.stage is Stage.CLOSED or case.track is not Track.RAPID_REVIEW:
        return Standing(Rag.GREEN, "no statutory deadline is running")
    outstanding = len(case.open_requests())
    held = case.meeting is not None and case.meeting.held_on is not None
    submitted = case.stage in _DONE_BY_PANEL
    window_opens, window_closes = timetable.meeting_window
    # (deadline, the work due by it, done?), earliest first.
    returns = f"{outstanding} agency return{'s' * (outstanding != 1)}"
    deadlines = (
        (timetable.information_deadline, returns, not outstanding),
        (window_closes, "the review meeting", held),
        (timetable.panel_deadline, "the decision to the Panel", submitted),
    )
    undone = [(due, work) for due, work, done in deadlines if not done]
    passed = [(due, work) for due, work in undone if due < today]
    if passed:
        due, work = passed[0]
        return Standing(Rag.RED, f"overdue since {due:%a %d %b}: {work}")
    if undone:
        due, work = undone[0]
        left = workdays.between(today, due)
        if left <= AMBER_WORKING_DAYS:
            when = "today" if due == today else f"in {left} working day{'s' * (left != 1)}"
            return Standing(Rag.AMBER, f"due {when}: {work}")
    if window_opens <= today and case.meeting is None and not held:
        return Standing(Rag.AMBER, "the meeting window is open and no meeting is booked")
    return Standing(Rag.GREEN, "on track")

"""Every reminder a case needs, dated from its timetable (pure).

- each playbook milestone, the working day before and on the day, to its audience (SPOCs
  excepted: their reminders are the rungs of the chase ladder, which stop at their return);
- the meeting: the day its papers go out, and the working day before it;
- ratification, once the decision is recorded, the day before and on the day it is due;
- the Panel deadline: 3, 2 and 1 working days before, and on the day.

Keys are stable for the same plan, so planning again changes nothing; a date that moves (a
meeting moved) is part of its key, and the reminder for the old date finds at run time that
it no longer matters and is dropped (`still_matters`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain.cases import Case
from bot.domain.playbook import DERIVED_MILESTONES, Audience, Playbook
from bot.domain.stages import Stage, Track
from bot.domain.timetable import Timetable
from bot.domain.workdays import WorkingCalendar

PANEL_COUNTDOWN = (3, 2, 1, 0)  # working days before the Panel deadline
_NOT_REMINDED = frozenset({Audience.SPOC, Audience.SPOCS})  # the chase ladder's job


class ReminderKind(StrEnum):
    MILESTONE = "milestone"
    PAPERS = "papers"
    MEETING_EVE = "meeting_eve"
    RATIFICATION = "ratification"
    PANEL_COUNTDOWN = "panel_countdown"


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    key: str
    kind: ReminderKind
    on: date  # the working day it is sent, at the start of working hours
    audience: tuple[Audience, ...]
    payload: dict[str, Any] = field(default_factory=dict)


def reminder_key(case_ref: str, *parts: object) -> str:
    return ":".join([case_ref, "reminder", *(str(p) for p in parts)])


def reminder_group(key: str) -> str:
    """The key prefix of the reminders about the same thing (one milestone, the Panel
    countdown, one meeting's papers): late together, only the latest of them is sent."""
    return key.rsplit(":", 1)[0] + ":"


def plan_reminders(
    case: Case, timetable: Timetable, playbook: Playbook, workdays: WorkingCalendar
) -> list[PlannedReminder]:
    if case.track is not Track.RAPID_REVIEW or case.stage is Stage.CLOSED:
        return []
    ref, planned = case.ref, []
    for m in timetable.milestones:
        audience = tuple(a for a in m.audience if a not in _NOT_REMINDED)
        if m.key in DERIVED_MILESTONES or not audience:
            continue
        for when, on in (("day_before", workdays.add(m.due, -1)), ("on_the_day", m.due)):
            planned.append(
                PlannedReminder(
                    reminder_key(ref, m.key, when),
                    ReminderKind.MILESTONE,
                    on,
                    audience,
                    {"milestone": m.key, "when": when},
                )
            )
    meeting = case.meeting
    if meeting is not None and meeting.held_on is None:
        day = next(m.due for m in timetable.milestones if m.key == "meeting")
        about = {"meeting_start": meeting.start.isoformat()}
        papers_on = workdays.add(day, -playbook.meeting.papers_days_before)
        planned += [
            PlannedReminder(
                reminder_key(ref, "papers", day),
                ReminderKind.PAPERS,
                papers_on,
                (Audience.BUSINESS_OFFICER,),
                about,
            ),
            PlannedReminder(
                reminder_key(ref, "meeting_eve", day),
                ReminderKind.MEETING_EVE,
                workdays.add(day, -1),
                playbook.meeting.audience,
                about,
            ),
        ]
    if case.decision is not None and playbook.ratification.required:
        ratification = next((m for m in timetable.milestones if m.key == "ratification"), None)
        if ratification is not None:
            for when, on in (
                ("day_before", workdays.add(ratification.due, -1)),
                ("on_the_day", ratification.due),
            ):
                planned.append(
                    PlannedReminder(
                        reminder_key(ref, "ratification", when),
                        ReminderKind.RATIFICATION,
                        on,
                        ratification.audience,
                        {"when": when},
                    )
                )
    for left in PANEL_COUNTDOWN:
        planned.append(
            PlannedReminder(
                reminder_key(ref, "panel", left),
                ReminderKind.PANEL_COUNTDOWN,
                workdays.add(timetable.panel_deadline, -left),
                (Audience.BUSINESS_OFFICER, Audience.CHAIR),
                {"left": left},
            )
        )
    return planned


_DONE_BY_MILESTONE: dict[str, frozenset[Stage]] = {
    "requests_sent": frozenset(Stage) - {Stage.NOTIFIED},
}
_SUBMITTED = frozenset({Stage.SUBMITTED, Stage.CLOSED})


def still_matters(case: Case, kind: ReminderKind, payload: dict[str, Any]) -> str | None:
    """None when the reminder should still go; else why it no longer matters."""
    if case.stage is Stage.CLOSED:
        return "the case is closed"
    if kind is ReminderKind.MILESTONE:
        key = str(payload.get("milestone"))
        if case.stage in _DONE_BY_MILESTONE.get(key, frozenset()):
            return f"'{key}' is done"
        if "return" in key and case.requests and not case.open_requests():
            return "every agency has returned its information"
        if case.stage in _SUBMITTED:
            return "the decision is with the Panel"
        return None
    if kind in (ReminderKind.PAPERS, ReminderKind.MEETING_EVE):
        meeting = case.meeting
        if meeting is None or meeting.held_on is not None:
            return "the meeting was cancelled or has been held"
        if meeting.start.isoformat() != payload.get("meeting_start"):
            return "the meeting was moved"
        return None
    if kind is ReminderKind.RATIFICATION:
        return None if case.stage is Stage.DECIDED else "the decision is no longer awaiting it"
    return "the decision is with the Panel" if case.stage in _SUBMITTED else None

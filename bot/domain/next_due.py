"""What a case waits for next: the first milestone of its timetable its stage has not done
(pure). The card and the channel topic show it, so it must never name a step already taken.

A milestone the bot tracks (the requests, the returns, the meeting, ratification, the Panel
deadline, the referral's discussion and decision) stays "next" until it is done, overdue or
not. A playbook's other milestones (a summary circulated, a report finalised) are not tracked:
each is next while its date is ahead, and one dated on or before the meeting is over once the
meeting has been held.
"""

from __future__ import annotations

from datetime import date

from bot.domain.cases import Case
from bot.domain.stages import Stage
from bot.domain.timetable import DatedMilestone, Timetable

_HELD = frozenset({Stage.MET, Stage.DECIDED, Stage.RATIFIED, Stage.SUBMITTED, Stage.CLOSED})
_DONE_IN: dict[str, frozenset[Stage]] = {
    "requests_sent": frozenset(Stage) - {Stage.NOTIFIED},
    "meeting": _HELD,
    "ratification": frozenset({Stage.RATIFIED, Stage.SUBMITTED, Stage.CLOSED}),
    "panel_deadline": frozenset({Stage.SUBMITTED, Stage.CLOSED}),
    "first_discussion": frozenset({Stage.DISCUSSED, Stage.THRESHOLD_DECIDED, Stage.CLOSED}),
    "threshold_decision": frozenset({Stage.THRESHOLD_DECIDED, Stage.CLOSED}),
}


def _done(case: Case, m: DatedMilestone) -> bool | None:
    """True or False for a tracked milestone; None for one the bot does not track."""
    if m.key in _DONE_IN:
        return case.stage in _DONE_IN[m.key]
    if "return" in m.key:  # returns_due, summaries_returned
        returned = bool(case.requests) and not case.open_requests()
        return returned or case.stage in _HELD
    return None


def next_due(case: Case, timetable: Timetable, today: date) -> str:
    """'Rapid Review meeting: Tue 12 Jan (day 12)', '… was due …, overdue', or what is left
    when nothing is due."""
    if case.stage is Stage.CLOSED:
        on = f" on {case.closed_on:%a %d %b}" if case.closed_on else ""
        return f"nothing: the case closed{on}"
    if case.stage is Stage.SUBMITTED:
        on = f" on {case.submitted_on:%a %d %b}" if case.submitted_on else ""
        return f"nothing due: sent to the National Panel{on}; the case can be closed"
    if case.stage is Stage.THRESHOLD_DECIDED:
        return "nothing due: the threshold is decided; the case can be closed"
    meeting_on = next((m.due for m in timetable.milestones if m.key == "meeting"), None)
    held_on = meeting_on if case.stage in _HELD else None
    for m in timetable.milestones:
        done = _done(case, m)
        if done is None:
            done = m.due < today or (held_on is not None and m.due <= held_on)
        if done:
            continue
        if m.due < today:
            return f"{m.title}: was due {m.due:%a %d %b} (day {m.day}), overdue"
        return f"{m.title}: {m.due:%a %d %b} (day {m.day})"
    return "nothing due"

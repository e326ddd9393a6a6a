"""When the papers go out: the moment an agency's return stops being open to additions.

The meeting's papers (the combined summary and the agencies' returns) go out the playbook's
`meeting.papers_days_before` working days before the booked meeting. With no meeting booked,
they go out on the playbook's circulation milestone; a playbook without one sends them
`papers_days_before` the last day the meeting may be held. They are put together during
that working day, so what an agency adds on the day still goes with them; from the next
day on, the return is what the meeting reads.
"""

from __future__ import annotations

from datetime import date

from bot.domain.cases import Case
from bot.domain.playbook import MeetingRules
from bot.domain.timetable import Timetable
from bot.domain.workdays import WorkingCalendar

# The shipped playbooks' names for "the collated information is sent to the members".
CIRCULATION_MILESTONES = frozenset({"papers_sent", "summaries_circulated", "summary_circulated"})


def papers_day(
    case: Case, timetable: Timetable, rules: MeetingRules, workdays: WorkingCalendar
) -> date:
    """The working day the papers of `case` go out (see the module's note)."""
    if case.meeting is not None:  # the timetable's meeting is then the booked one
        return workdays.add(timetable.milestone("meeting").due, -rules.papers_days_before)
    circulated = [m.due for m in timetable.milestones if m.key in CIRCULATION_MILESTONES]
    if circulated:
        return min(circulated)
    return workdays.add(timetable.meeting_window[1], -rules.papers_days_before)


def papers_gone_out(
    case: Case,
    timetable: Timetable,
    rules: MeetingRules,
    workdays: WorkingCalendar,
    today: date,
) -> bool:
    """True once the papers' working day is over, or the meeting has been held."""
    if case.meeting is not None and case.meeting.held_on is not None:
        return True
    return today > papers_day(case, timetable, rules, workdays)

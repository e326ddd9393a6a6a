"""When the papers go out: the moment an agency's return stops being open to additions.

The meeting's papers (the combined summary and the agencies' returns) go out the playbook's
`meeting.papers_days_before` working days before the booked meeting. With no meeting booked,
they go out on the playbook's circulation milestone; a playbook without one sends them
`papers_days_before` the last day the meeting may be held. They are put together during
that working day, so what an agency adds on the day still goes with them; from the next
day on, the return is what the meeting reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time

from bot.domain.cases import Case
from bot.domain.papers_sent import PapersSent
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


# The pack goes at 15:00 local on the papers day: late enough that what an agency returns
# or adds during the working day goes with it, early enough to reach people at work.
PAPERS_GO_OUT_AT = time(15, 0)


def papers_key(ref: str, version: int) -> str:
    """The outbox key of one version of the papers: each version is sent once."""
    return f"{ref}:papers:v{version}"


def next_version(sent: Sequence[PapersSent]) -> int:
    return (sent[-1].version if sent else 0) + 1


@dataclass(frozen=True, slots=True)
class PackPart:
    """One agency's return as a pack showed it: enough to say what changed in the next."""

    agency: str
    returned: bool
    version: int  # the structured return's version shown; 0 for none
    additions: int
    digest: str  # of everything shown for the agency

    def encoded(self) -> tuple[str, str]:
        """As `PapersSent.parts` keeps it: (agency, "returned|v2|a1|<digest>")."""
        state = "returned" if self.returned else "missing"
        return self.agency, f"{state}|v{self.version}|a{self.additions}|{self.digest}"

    @classmethod
    def decoded(cls, agency: str, text: str) -> PackPart:
        state, version, additions, digest = [*text.split("|", 3), "", "", ""][:4]
        return cls(agency, state == "returned", _count(version), _count(additions), digest)


def what_changed(
    before: Sequence[tuple[str, str]],
    now: Sequence[PackPart],
    name: Callable[[str], str],
    late_by: Callable[[str], int],
) -> list[str]:
    """Each agency whose part of the pack changed since `before`, in the pack's order, said
    in a few words ("Police's return received, 2 working days late")."""
    earlier = {agency: PackPart.decoded(agency, text) for agency, text in before}
    said = []
    for part in now:
        old = earlier.get(part.agency)
        if old is not None and old.digest == part.digest:
            continue
        who = f"{name(part.agency)}'s return"
        if part.returned and (old is None or not old.returned):
            late = late_by(part.agency)
            said.append(f"{who} received" + (f", {_days(late)} late" if late else ""))
        elif old is not None and part.version != old.version and part.version:
            said.append(f"{who} updated to version {part.version}")
        elif old is not None and part.additions > old.additions:
            said.append(f"{who} added to")
        else:
            said.append(f"{who} changed")
    return said


def _count(text: str) -> int:
    """`v2` -> 2; anything unreadable counts as 0 (a change is then still said)."""
    return int(text[1:]) if text[1:].isdigit() else 0


def _days(n: int) -> str:
    return f"{n} working day" + ("" if n == 1 else "s")

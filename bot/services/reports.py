"""Timeliness: how many working days each step took, against the playbook's deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.cases import Case
from bot.services.context import ServiceContext
from bot.services.wording import plural


@dataclass(frozen=True, slots=True)
class AgencyTimeliness:
    agency: str
    due: date
    returned_on: date | None
    # Working days after `due` that it came in, or, while outstanding, that it is overdue as
    # of the report's day (so a return never sent still shows how late it has become).
    late_by: int

    @property
    def outstanding(self) -> bool:
        return self.returned_on is None


@dataclass(frozen=True, slots=True)
class CaseTimeliness:
    ref: str
    notified_on: date
    panel_deadline: date
    days_to_decision: int | None
    days_to_panel: int | None
    within_deadline: bool | None  # None while not yet submitted
    agencies: tuple[AgencyTimeliness, ...]


def case_timeliness(ctx: ServiceContext, case: Case, as_of: date) -> CaseTimeliness:
    deadline = ctx.timetable(case).panel_deadline

    def days(to: date | None) -> int | None:
        return None if to is None else ctx.day_of(case, to)

    decided = case.decision.decided_on if case.decision else None
    return CaseTimeliness(
        ref=case.ref,
        notified_on=case.notified_on,
        panel_deadline=deadline,
        days_to_decision=days(decided),
        days_to_panel=days(case.submitted_on),
        within_deadline=None if case.submitted_on is None else case.submitted_on <= deadline,
        agencies=tuple(
            AgencyTimeliness(
                r.agency,
                r.due,
                r.returned_on,
                r.late_by
                if r.returned_on is not None
                else max(ctx.workdays.between(r.due, as_of), 0),
            )
            for r in case.requests.values()
        ),
    )


async def timeliness_report(ctx: ServiceContext) -> list[CaseTimeliness]:
    """Every case, as of today in the partnership's zone."""
    async with ctx.uow() as uow:
        cases = await uow.cases.all_cases()
    today = ctx.today()
    return [case_timeliness(ctx, c, today) for c in sorted(cases, key=lambda c: c.ref)]


def return_state(a: AgencyTimeliness, as_of: date) -> str:
    """How one agency's return stands, in words: lateness always in working days."""
    late = f"{plural(a.late_by, 'working day')} late"
    if not a.outstanding:
        return late if a.late_by else "on time"
    if a.late_by:
        return f"outstanding, {late} (due {a.due:%a %d %b})"
    if a.due == as_of:
        return "outstanding, due today"
    return f"outstanding, due {a.due:%a %d %b}"


def render_timeliness(ctx: ServiceContext, rows: list[CaseTimeliness]) -> str:
    as_of = ctx.today()
    lines = [f"Timeliness as of {as_of:%a %d %b %Y} (working days)"]
    for row in rows:
        verdict = {
            None: "not yet submitted",
            True: "within the deadline",
            False: "AFTER the deadline",
        }[row.within_deadline]
        lines.append(
            f"{row.ref}: notified {row.notified_on:%a %d %b}; decision on day"
            f" {row.days_to_decision if row.days_to_decision is not None else '-'}; Panel on day"
            f" {row.days_to_panel if row.days_to_panel is not None else '-'}"
            f" (deadline {row.panel_deadline:%a %d %b}): {verdict}"
        )
        for a in row.agencies:
            lines.append(f"    {ctx.agency_name(a.agency):<28} {return_state(a, as_of)}")
    return "\n".join(lines)

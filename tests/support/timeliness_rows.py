"""Timeliness rows made up for a partnership's few years of cases, without a database: enough
of every kind (on time, late, overdue, not yet due; within, after, not yet sent) to draw."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.reports import AgencyTimeliness, CaseTimeliness

AGENCIES = ("la", "police", "icb", "health", "gp", "school", "housing")
AGENCY_NAMES = {
    "la": "Children's Social Care",
    "police": "Constabulary",
    "icb": "Integrated Care Board",
    "health": "Hospitals NHS Trust",
    "gp": "Riverside GP Practice",
    "school": "Northfield Primary School",
    "housing": "Housing Services",
}
AS_OF = date(2027, 3, 31)


def made_up_rows(count: int) -> list[CaseTimeliness]:
    """`count` cases notified about a week apart up to AS_OF; the last few still open."""
    rows = []
    for i in range(count):
        notified = AS_OF - timedelta(days=7 * (count - i))
        still_open = i >= count - 3
        panel = None if still_open else 12 + i % 6  # days 12 to 17: some after day 15
        agencies = tuple(
            AgencyTimeliness(
                agency=code,
                due=notified + timedelta(days=14),
                returned_on=None if still_open and j % 2 else notified + timedelta(days=13),
                late_by=(i + j) % 4 if (i + j) % 3 == 0 else 0,
            )
            for j, code in enumerate(AGENCIES[: 3 + i % 5])
        )
        rows.append(
            CaseTimeliness(
                ref=f"LLR-RR-{notified.year}-{i + 1:03d}",
                notified_on=notified,
                panel_deadline=notified + timedelta(days=21),
                days_to_decision=None if panel is None else panel - 1,
                days_to_panel=panel,
                within_deadline=None if panel is None else panel <= 15,
                agencies=agencies,
            )
        )
    return rows

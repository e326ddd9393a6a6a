"""Reports read from the configured database (no chat or calendar needed)."""

from __future__ import annotations

import csv
import io

from bot.offline import offline_context
from bot.services.reports import CaseTimeliness, render_timeliness, timeliness_report


def timeliness_csv(rows: list[CaseTimeliness]) -> str:
    """One line per case and agency (a case without requests still gets its line)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "case",
            "notified",
            "panel_deadline",
            "days_to_decision",
            "days_to_panel",
            "within_deadline",
            "agency",
            "due",
            "returned_on",
            "late_by",
        ]
    )
    for row in rows:
        case = [
            row.ref,
            row.notified_on,
            row.panel_deadline,
            row.days_to_decision,
            row.days_to_panel,
            row.within_deadline,
        ]
        agencies = [[a.agency, a.due, a.returned_on, a.late_by] for a in row.agencies]
        for agency in agencies or [["", "", "", ""]]:
            writer.writerow(case + agency)
    return buffer.getvalue()


async def timeliness_from_settings(*, as_csv: bool = False, as_html: bool = False) -> str:
    """The report as a table (default), CSV, or a self-contained HTML page."""
    async with offline_context() as ctx:
        rows = await timeliness_report(ctx)
    if as_html:
        from bot.timeliness_page import timeliness_page  # matplotlib: only when asked for

        return timeliness_page(
            rows,
            as_of=ctx.today(),
            partnership=ctx.playbook.name,
            panel_day=ctx.playbook.panel_deadline,
            agency_name=ctx.agency_name,
        )
    if as_csv:
        return timeliness_csv(rows)
    if not rows:
        return "No cases yet.\n"
    return render_timeliness(ctx, rows) + "\n"

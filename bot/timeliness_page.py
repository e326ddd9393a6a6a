"""The timeliness report as one self-contained HTML page for the partnership board.

Nothing on the page is fetched: the charts are inline SVG, the style is inline CSS, and a
Content-Security-Policy forbids the browser any request at all. Each chart is followed by a
table of the very figures it draws (for screen readers, and for whoever wants the numbers).
Cases are named by their reference only: the rows carry nothing else about a case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from html import escape

from bot.services.reports import CaseTimeliness, return_state
from bot.services.wording import plural
from bot.timeliness_charts import (
    CaseDays,
    QuarterCounts,
    ReturnCounts,
    days_chart,
    quarters_chart,
    returns_chart,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { color: #111; background: #fff; }
body { font-family: system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 2px solid #111; }
.meta { color: #333; margin-top: 0; }
figure { margin: 1rem 0; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-style: italic; margin-top: .3rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border: 1px solid #555; padding: .2rem .5rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th[scope=row] { white-space: nowrap; }
thead th { background: #eee; }
@media print {
  @page { size: A4; margin: 15mm; }
  :root, body { color: #000; background: #fff; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure { break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  thead th { background: none; border-bottom: 2px solid #000; }
  th, td { border-color: #000; }
}
"""


def timeliness_page(
    rows: Sequence[CaseTimeliness],
    *,
    as_of: date,
    partnership: str,
    panel_day: int,
    agency_name: Callable[[str], str],
) -> str:
    title = f"Rapid Review timeliness, {partnership}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">As of {as_of:%A %d %B %Y}. Counted in working days (weekends,'
        " bank holidays and closure days excluded). Cases are named by reference only.</p>",
    ]
    if not rows:
        body.append("<p>No cases yet.</p>")
    else:
        body += [
            _summary(rows, panel_day),
            *_days_section(rows, panel_day),
            *_returns_section(rows, as_of, agency_name),
            *_quarters_section(rows),
        ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _summary(rows: Sequence[CaseTimeliness], panel_day: int) -> str:
    sent = [r for r in rows if r.within_deadline is not None]
    within = sum(1 for r in sent if r.within_deadline)
    returns = [a for r in rows for a in r.agencies]
    late = sum(1 for a in returns if a.late_by)
    asked = plural(len(returns), "information return")
    return (
        f"<p>{plural(len(rows), 'case')}; {len(sent)} sent to the Panel, {within} of them"
        f" within the deadline (working day {panel_day}). {asked} asked for; {late} late or"
        " overdue.</p>"
    )


def _days_section(rows: Sequence[CaseTimeliness], panel_day: int) -> list[str]:
    cases = [
        CaseDays(r.ref, r.days_to_decision, r.days_to_panel, r.within_deadline is False)
        for r in rows
    ]
    verdicts = {None: "not yet sent", True: "within the deadline", False: "after the deadline"}
    table = _table(
        "Working days to the decision and to the Panel, per case",
        ["Case", "Notified", "Decision: day", "Panel: day", "Panel deadline", "Deadline"],
        [
            [
                r.ref,
                f"{r.notified_on:%d %b %Y}",
                _day(r.days_to_decision),
                _day(r.days_to_panel),
                f"{r.panel_deadline:%d %b %Y}",
                verdicts[r.within_deadline],
            ]
            for r in rows
        ],
        numeric={2, 3},
    )
    return _section(
        "days",
        "Working days to decision and to the Panel",
        f"Each case's decision (open circle) and Panel submission (filled square), in working"
        f" days from notification, against the deadline of working day {panel_day}.",
        days_chart(cases, panel_day, chart_id="days"),
        table,
    )


def _returns_section(
    rows: Sequence[CaseTimeliness], as_of: date, agency_name: Callable[[str], str]
) -> list[str]:
    by_agency: dict[str, list[int]] = {}
    longest: dict[str, int] = {}
    for a in (a for r in rows for a in r.agencies):
        slot = (0 if not a.late_by else 1) if not a.outstanding else (2 if a.late_by else 3)
        by_agency.setdefault(a.agency, [0, 0, 0, 0])[slot] += 1
        longest[a.agency] = max(longest.get(a.agency, 0), a.late_by)
    order = sorted(by_agency, key=lambda code: agency_name(code).lower())
    counts = [ReturnCounts(agency_name(code), *by_agency[code]) for code in order]
    table = _table(
        "Information returns per agency",
        ["Agency", "On time", "Late", "Overdue, not returned", "Not yet due", "Most days late"],
        [
            [c.agency, c.on_time, c.late, c.overdue, c.not_yet_due, longest[code]]
            for c, code in zip(counts, order, strict=True)
        ],
        numeric={1, 2, 3, 4, 5},
    )
    still_open = [
        [r.ref, agency_name(a.agency), return_state(a, as_of)]
        for r in rows
        for a in r.agencies
        if a.outstanding
    ]
    if still_open:
        table += _table("Returns still outstanding", ["Case", "Agency", "State"], still_open)
    return _section(
        "returns",
        "Each agency's returns, on time or late",
        "Every information return asked of each agency: on time, late (hatched), overdue and"
        " still not returned (solid grey), or not yet due (lined across).",
        returns_chart(counts, chart_id="returns"),
        table,
    )


def _quarters_section(rows: Sequence[CaseTimeliness]) -> list[str]:
    quarters = {q: [0, 0, 0] for q in _quarters(r.notified_on for r in rows)}
    for r in rows:
        slot = {True: 0, False: 1, None: 2}[r.within_deadline]
        quarters[_quarter(r.notified_on)][slot] += 1
    counts = [QuarterCounts(q, *n) for q, n in quarters.items()]
    table = _table(
        "Cases notified per quarter",
        ["Quarter", "Within the deadline", "After the deadline", "Not yet submitted", "Cases"],
        [[q.quarter, q.within, q.after, q.open, q.within + q.after + q.open] for q in counts],
        numeric={1, 2, 3, 4},
    )
    return _section(
        "quarters",
        "Cases per quarter",
        "Cases notified in each calendar quarter: sent within the deadline (plain), after it"
        " (hatched), or not yet sent (lined across); the total is above each bar.",
        quarters_chart(counts, chart_id="quarters"),
        table,
    )


def _section(key: str, heading: str, caption: str, svg: str, table: str) -> list[str]:
    """A chart titled for assistive technology, its caption, then its data as a table."""
    title = f'<title id="{key}-title">{escape(heading)}</title>'
    desc = f'<desc id="{key}-desc">{escape(caption)} The figures are in the table below.</desc>'
    labelled = f'<svg role="img" aria-labelledby="{key}-title {key}-desc" ' + svg.removeprefix(
        "<svg "
    ).replace(">", ">" + title + desc, 1)
    return [
        f'<section id="{key}" aria-labelledby="{key}-heading">',
        f'<h2 id="{key}-heading">{escape(heading)}</h2>',
        f"<figure>{labelled}<figcaption>{escape(caption)}</figcaption></figure>",
        table,
        "</section>",
    ]


def _table(
    caption: str,
    headers: list[str],
    rows: Iterable[Sequence[object]],
    numeric: frozenset[int] | set[int] = frozenset(),
) -> str:
    def cls(i: int) -> str:
        return ' class="n"' if i in numeric else ""

    head = "".join(f'<th scope="col"{cls(i)}>{escape(h)}</th>' for i, h in enumerate(headers))
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(str(v))}</th>'
            if i == 0
            else f"<td{cls(i)}>{escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def _day(n: int | None) -> str:
    return "-" if n is None else str(n)


def _quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarters(days: Iterable[date]) -> list[str]:
    """Every quarter from the first case's to the last's, empty ones included."""
    indexes = [d.year * 4 + (d.month - 1) // 3 for d in days]
    return [f"{i // 4} Q{i % 4 + 1}" for i in range(min(indexes), max(indexes) + 1)]

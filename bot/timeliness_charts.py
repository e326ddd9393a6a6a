"""The timeliness report's charts, drawn with matplotlib as inline SVG.

Made to be read printed in black and white: every series differs by marker or hatching and
carries a direct label or a legend of those, never by colour alone. Text stays text in the
SVG (no font is embedded or fetched: the page's own sans-serif draws it), and every id is
prefixed per chart so that several charts can share one page. matplotlib is imported here
only, so that `rrbot --help` and the other commands never load it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

INK = "#000000"
GREY = "#595959"  # dark enough to print as a solid grey, light enough for black text over it

_STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text as <text>, in the page's font
    "svg.hashsalt": "rrbot-timeliness",  # the same data draws the same SVG
    "text.parse_math": False,  # a "$" in an agency's name is just a dollar sign
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.color": INK,
    "hatch.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True, slots=True)
class CaseDays:
    ref: str
    to_decision: int | None
    to_panel: int | None
    late: bool  # submitted after the Panel deadline


@dataclass(frozen=True, slots=True)
class ReturnCounts:
    agency: str  # the agency's name, as the board knows it
    on_time: int
    late: int
    overdue: int  # not returned, and past its deadline
    not_yet_due: int


@dataclass(frozen=True, slots=True)
class QuarterCounts:
    quarter: str  # "2026 Q4"
    within: int
    after: int
    open: int  # not yet submitted


RETURN_SERIES = (  # (label, field, hatch, fill)
    ("on time", "on_time", "", "#ffffff"),
    ("late", "late", "////", "#ffffff"),
    ("overdue, not returned", "overdue", "", GREY),
    ("not yet due", "not_yet_due", "---", "#ffffff"),  # dots would cost 150 kB of SVG
)
QUARTER_SERIES = (
    ("within the deadline", "within", "", "#ffffff"),
    ("after the deadline", "after", "////", "#ffffff"),
    ("not yet submitted", "open", "---", "#ffffff"),
)


def days_chart(cases: Sequence[CaseDays], line: int, *, chart_id: str) -> str:
    """Per case, the working day of the decision (open circle) and of the Panel submission
    (filled square) against a dashed line at the Panel deadline's day; a case sent after it,
    or not yet decided or sent, is also labelled in words.

    Drawn as three artists whatever the number of cases, and laid out by hand (a case
    reference is of bounded length): 200 cases then draw in well under a second."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    nan = float("nan")
    with matplotlib.rc_context(_STYLE):
        height = 1.1 + 0.2 * max(len(cases), 1)
        fig = Figure(figsize=(7.5, height))
        fig.subplots_adjust(left=1.45 / 7.5, right=0.97, top=1 - 0.45 / height,
                            bottom=0.55 / height)  # fmt: skip
        ax = fig.add_subplot()
        rows = [float(y) for y in range(len(cases))][::-1]  # first case at the top
        furthest = max([line, *(d for c in cases for d in (c.to_decision, c.to_panel) if d)])
        ax.set_xlim(0, furthest + 5)
        ax.set_ylim(-0.7, len(cases) - 0.3)
        ax.set_yticks(rows, [c.ref for c in cases], fontsize=7)
        ax.set_xlabel("working days since notification")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.axvline(line, color=INK, linestyle="--", linewidth=1)
        ax.annotate(
            f"Panel deadline: day {line}", (line, 1), xycoords=("data", "axes fraction"),
            xytext=(3, 3), textcoords="offset points", va="bottom", fontsize=8,
        )  # fmt: skip
        # One polyline per kind, NaN between cases: a gap, not a line from case to case.
        span_x: list[float] = []
        span_y: list[float] = []
        for y, c in zip(rows, cases, strict=True):
            if c.to_decision is not None and c.to_panel is not None:
                span_x += [c.to_decision, c.to_panel, nan]
                span_y += [y, y, nan]
        ax.plot(span_x, span_y, color=GREY, linewidth=1)
        decided = [nan if c.to_decision is None else c.to_decision for c in cases]
        sent = [nan if c.to_panel is None else c.to_panel for c in cases]
        ax.plot(decided, rows, "o", mfc="white", mec=INK, markersize=5, label="decision")
        ax.plot(sent, rows, "s", color=INK, markersize=4, label="sent to the Panel")
        for y, c in zip(rows, cases, strict=True):
            _words(ax, y, c)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False,
                  fontsize=8)  # fmt: skip
        return _svg(fig, chart_id)


def _words(ax: Axes, y: float, case: CaseDays) -> None:
    """The cases a marker alone would not tell: late, or not there yet."""
    if case.to_decision is None:
        label, x = "not yet decided", 0
    elif case.to_panel is None:
        label, x = "not yet sent", case.to_decision
    elif case.late:
        label, x = "late", max(case.to_decision, case.to_panel)
    else:
        return
    ax.annotate(
        label, (x, y), xytext=(6, 0), textcoords="offset points", va="center",
        fontsize=7, fontstyle="italic",
    )  # fmt: skip


def returns_chart(counts: Sequence[ReturnCounts], *, chart_id: str) -> str:
    """Each agency's returns as one stacked bar: on time, late, overdue, not yet due."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7.5, 1.6 + 0.32 * max(len(counts), 1)), layout="constrained")
        ax = fig.add_subplot()
        rows = list(range(len(counts)))[::-1]
        ax.set_yticks(rows, [c.agency for c in counts])
        ax.set_xlabel("information returns")
        left = [0] * len(counts)
        for label, field, hatch, fill in RETURN_SERIES:
            values = [getattr(c, field) for c in counts]
            bars = ax.barh(
                rows, values, left=left, height=0.6, color=fill, edgecolor=INK,
                hatch=hatch, linewidth=0.8, label=label,
            )  # fmt: skip
            shown = [str(v) if v else "" for v in values]
            ax.bar_label(
                bars,
                shown,
                label_type="center",
                fontsize=7,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_xlim(0, max([*left, 1]) * 1.05)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _legend_above(ax, len(RETURN_SERIES))
        return _svg(fig, chart_id)


def quarters_chart(quarters: Sequence[QuarterCounts], *, chart_id: str) -> str:
    """Cases notified in each quarter, split by how their Panel submission stands."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7.5, 3.2), layout="constrained")
        ax = fig.add_subplot()
        xs = list(range(len(quarters)))
        bottom = [0] * len(quarters)
        for label, field, hatch, fill in QUARTER_SERIES:
            values = [getattr(q, field) for q in quarters]
            ax.bar(
                xs, values, bottom=bottom, width=0.6, color=fill, edgecolor=INK,
                hatch=hatch, linewidth=0.8, label=label,
            )  # fmt: skip
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
        for x, total in zip(xs, bottom, strict=True):
            ax.annotate(
                str(total), (x, total), xytext=(0, 2), textcoords="offset points",
                ha="center", va="bottom", fontsize=8, fontweight="bold",
            )  # fmt: skip
        ax.set_xticks(xs, [q.quarter for q in quarters], rotation=45 if len(xs) > 8 else 0)
        ax.set_xlim(-0.6, max(len(xs), 4) - 0.4)  # a lone quarter is a bar, not a wall
        ax.set_ylabel("cases notified")
        ax.set_ylim(0, max([*bottom, 1]) * 1.2)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend_above(ax, len(QUARTER_SERIES))
        return _svg(fig, chart_id)


def _legend_above(ax: Axes, columns: int) -> None:
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncols=columns,
        frameon=False,
        fontsize=8,
        handlelength=2.5,
        handleheight=1.2,
    )


_HEADER = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)


def _svg(fig: Figure, chart_id: str) -> str:
    """The figure as an <svg> element for inlining: no XML prologue, no metadata, and its
    ids made unique to this chart."""
    buffer = io.StringIO()
    fig.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    svg = _HEADER.sub("", buffer.getvalue())
    svg = svg.replace(' id="', f' id="{chart_id}-')
    svg = svg.replace("url(#", f"url(#{chart_id}-").replace('href="#', f'href="#{chart_id}-')
    return svg.strip()

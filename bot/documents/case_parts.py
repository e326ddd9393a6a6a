"""Parts of the papers about the case and the agencies' returns: the case's facts (with the
child's identifying details, which belong in the papers and nowhere else), the returns table,
one section per agency, and the multi-agency chronology."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocxDocument

from bot.documents.chronology import merged_chronology
from bot.documents.views import AgencyReturn, CaseFacts, ReturnStatus
from bot.documents.word import add_table, clean, long_date, short_date
from bot.domain.returns import ChronologyEntry, StructuredReturn

_TWO_COLUMNS = (2600, 6400)


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def facts_rows(facts: CaseFacts) -> list[tuple[str, str]]:
    meeting = (
        f"{long_date(facts.meeting_start.date())} at {facts.meeting_start:%H:%M}"
        if facts.meeting_start
        else (f"to be held by {long_date(facts.meeting_day)}" if facts.meeting_day else "")
    )
    rows = [
        ("Reference", facts.ref),
        ("Partnership", facts.partnership),
        ("Track", facts.track_label),
        ("Notified on", long_date(facts.notified_on)),
        ("Notifying authority's reference", facts.external_ref or "none given"),
        ("Child's name(s)", "\n".join(facts.child_names) or "not recorded"),
        ("Date(s) of birth", "\n".join(map(long_date, facts.dates_of_birth)) or "not recorded"),
        ("Agencies involved", "\n".join(a.name for a in facts.agencies)),
        ("Meeting", meeting or "not booked"),
        ("Information deadline", long_date(facts.information_deadline)),
        ("Panel deadline", long_date(facts.panel_deadline)),
    ]
    if facts.referrer:
        rows.insert(8, ("Referred by", facts.referrer))
    return rows


def add_facts(document: DocxDocument, facts: CaseFacts) -> None:
    add_table(document, ("Case", "Details"), facts_rows(facts), _TWO_COLUMNS)


def _returns_row(r: AgencyReturn) -> tuple[str, str, str, str, str]:
    if r.status is ReturnStatus.MISSING:
        late = f"{_days(r.overdue_by)} overdue" if r.overdue_by else "not due yet"
        return (r.agency.name, r.status.label, "", "", late)
    kind = r.kind.label if r.kind else ""
    if r.partial:
        kind += " (partial: more to follow)"
    late = f"{_days(r.late_by)} late" if r.late_by else "on time"
    return (r.agency.name, r.status.label, kind, short_date(r.returned_on), late)


def add_returns_table(document: DocxDocument, returns: Sequence[AgencyReturn]) -> None:
    add_table(
        document,
        ("Agency", "Status", "Kind of return", "Returned on", "Timeliness"),
        [_returns_row(r) for r in returns],
        (2400, 1600, 2400, 1400, 1600),
    )


def _answers(content: StructuredReturn) -> list[tuple[str, str]]:
    period = " to ".join(short_date(d) for d in (content.period_from, content.period_to) if d)
    secured = {True: "yes", False: "no", None: "not answered"}[content.records_secured]
    return [
        ("Involvement", content.involvement.label),
        ("Period of involvement", period or "not given"),
        ("Records secured", secured),
        ("More to follow", "yes: this return is partial" if content.partial else "no"),
        ("Chronology entries", f"{len(content.chronology)} (in the multi-agency chronology)"),
    ]


def _text(document: DocxDocument, label: str, text: str) -> None:
    document.add_heading(label, level=4)
    document.add_paragraph(clean(text) or "None given.")


def add_agency_sections(document: DocxDocument, returns: Sequence[AgencyReturn]) -> None:
    for r in returns:
        document.add_heading(r.agency.name, level=3)
        if r.status is ReturnStatus.MISSING:
            overdue = f": {_days(r.overdue_by)} overdue" if r.overdue_by else ""
            document.add_paragraph(f"No return has been received{overdue}.")
            continue
        if r.status is ReturnStatus.TO_CONFIRM:
            document.add_paragraph("Received; the business office has yet to confirm it.")
        content = r.structured
        if content is not None:
            version = f", version {r.version}" if r.version else ""
            document.add_paragraph(f"Reply template{version}.")
            add_table(document, ("Question", "Answer"), _answers(content), _TWO_COLUMNS)
            if content.contacts:
                add_table(
                    document,
                    ("Key contact", "Role"),
                    [(c.name, c.role) for c in content.contacts],
                    _TWO_COLUMNS,
                )
            _text(document, "Analysis", content.analysis)
            _text(document, "Learning", content.learning)
            _text(document, "Immediate safeguarding actions", content.safeguarding_actions)
        elif r.kind is not None:
            document.add_paragraph(f"{r.kind.label.capitalize()}.")
        if r.summary.strip():
            _text(document, "Summary", r.summary)
        for addition in r.additions:
            _text(document, f"Added on {long_date(addition.on)}", addition.text)


def when(entry: ChronologyEntry) -> str:
    start = short_date(entry.on)
    return f"{start} to {short_date(entry.until)}" if entry.until else start


def add_chronology(document: DocxDocument, returns: Sequence[AgencyReturn]) -> int:
    """The merged chronology as one table; returns how many entries it holds."""
    merged = merged_chronology(returns)
    add_table(
        document,
        ("Date", "Agency", "What happened", "Who was involved", "Source record"),
        [(when(m.entry), m.agency.name, m.entry.what, m.entry.who, m.entry.source) for m in merged],
        (1900, 2000, 6200, 2400, 1900),
    )
    return len(merged)

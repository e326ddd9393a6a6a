"""Sections 2 and 3 of the papers: the meeting's consideration and its decision, each field
of the decision record under its own heading (the national template's "the rapid review must
record"), or a labelled blank for the meeting to complete."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document as DocxDocument

from bot.documents.views import AgencyName, DecisionView
from bot.documents.word import TO_COMPLETE, clean, long_date
from bot.domain.decision import Criterion

CRITERIA = {
    Criterion.IMPROVEMENTS_NEEDED: "highlights or may highlight improvements needed to"
    " safeguard and promote the welfare of children",
    Criterion.RECURRENT_THEMES: "highlights or may highlight recurrent themes in the"
    " safeguarding and promotion of the welfare of children",
    Criterion.AGENCIES_WORKING_TOGETHER: "highlights or may highlight concerns regarding two"
    " or more organisations or agencies working together effectively",
    Criterion.PANEL_PREFERS_LOCAL: "the Panel has considered and concluded a local review"
    " may be more appropriate",
    Criterion.SINGLE_AGENCY_CONCERN: "cause for concern about the actions of a single agency",
    Criterion.NO_AGENCY_INVOLVEMENT: "no agency involvement, and this gives cause for concern",
    Criterion.CROSS_BOUNDARY: "more than one local authority, police area or health area"
    " is involved",
    Criterion.INSTITUTIONAL_SETTING: "issues about safeguarding children in institutional settings",
}

CONSIDERATION_LABELS = (
    "Immediate safeguarding arrangements for the children",
    "Summary of the facts",
    "Immediate learning already established",
    "How that learning is being shared",
    "Potential for further learning",
)
DECISION_LABELS = (
    "Considered against the Working Together criteria",
    "Criteria met",
    "Decision",
    "Reasons for the decision",
    "National review recommended",
    "Reasons about a national review",
    "Why no further learning is expected",
    "Agencies taking part in the rapid review",
    "Involved agencies not taking part, and why",
    "Who took the decision",
    "Date of the decision",
)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def consideration_fields(view: DecisionView | None) -> list[tuple[str, str]]:
    if view is None:
        return [(label, TO_COMPLETE) for label in CONSIDERATION_LABELS]
    record = view.record
    values = (
        record.immediate_safeguarding,
        record.summary_of_facts,
        record.immediate_learning,
        record.learning_shared_how,
        record.further_learning_potential,
    )
    return list(zip(CONSIDERATION_LABELS, values, strict=True))


def decision_fields(
    view: DecisionView | None, involved: Sequence[AgencyName] = ()
) -> list[tuple[str, str]]:
    """Section 3's fields. An agency in `involved` that took no part is listed with the
    reason the record gives, so every omission the Panel would ask about is answered."""
    if view is None:
        return [(label, TO_COMPLETE) for label in DECISION_LABELS]
    record = view.record
    criteria = "\n".join(f"- {CRITERIA[c]}" for c in record.criteria_met) or "None."
    absent = dict(record.absent_agency_reasons)
    for agency in involved:
        if agency.code not in record.agencies_taking_part and agency.code not in absent:
            absent[agency.code] = "No reason recorded."
    omissions = "\n".join(f"{view.agency_name(code)}: {why}" for code, why in absent.items())
    values = (
        _yes_no(record.considered_against_criteria),
        criteria,
        record.outcome.label,
        record.outcome_reasons,
        _yes_no(record.national_review_recommended),
        record.national_review_reasons,
        record.no_further_learning_reasons or "Not applicable: a local review is commissioned.",
        "\n".join(view.agency_name(code) for code in record.agencies_taking_part),
        omissions or "None: every involved agency took part.",
        "\n".join(view.decided_by),
        long_date(record.decided_on),
    )
    return list(zip(DECISION_LABELS, values, strict=True))


def add_fields(document: DocxDocument, fields: Sequence[tuple[str, str]], level: int = 3) -> None:
    """Each field under its own heading; each line of its value a paragraph."""
    for label, value in fields:
        document.add_heading(label, level=level)
        for line in clean(value).split("\n"):
            document.add_paragraph(line)


def add_meeting_sections(
    document: DocxDocument, view: DecisionView | None, involved: Sequence[AgencyName]
) -> None:
    document.add_heading("Section 2: The meeting's consideration", level=1)
    add_fields(document, consideration_fields(view))
    document.add_heading("Section 3: The decision", level=1)
    add_fields(document, decision_fields(view, involved))

"""The Panel submission carries every field of the decision record in the national template's
place; the covering letter names the case by reference, the outcome and who signs."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument

from bot.documents import Person, covering_letter, panel_submission
from bot.documents.decision_parts import CRITERIA
from bot.documents.panel_submission import PANEL_ORDER
from bot.domain.decision import DecisionRecord
from tests.support.documents_samples import (
    CHILD,
    MADE_ON,
    PARTNERSHIP,
    REF,
    decision,
    facts,
    returns,
)


def submission() -> DocxDocument:
    return Document(io.BytesIO(panel_submission(facts(), returns(), decision(), made_on=MADE_ON)))


def fields(document: DocxDocument) -> dict[str, str]:
    """Each level-2 heading with the paragraphs under it."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for p in document.paragraphs:
        style = p.style.name if p.style is not None else ""
        if style == "Heading 2":
            current = found.setdefault(p.text, [])
        elif style.startswith("Heading") or style == "Title":
            current = None
        elif current is not None:
            current.append(p.text)
    return {label: "\n".join(lines) for label, lines in found.items()}


# Every field of the decision record, and where the national template puts it.
TEXT_FIELDS = {
    "immediate_safeguarding": "Immediate safeguarding arrangements for the children",
    "summary_of_facts": "Summary of the facts",
    "outcome_reasons": "Reasons for the decision",
    "national_review_reasons": "Reasons about a national review",
    "immediate_learning": "Immediate learning already established",
    "learning_shared_how": "How that learning is being shared",
    "further_learning_potential": "Potential for further learning",
    "no_further_learning_reasons": "Why no further learning is expected",
}
OTHER_FIELDS = {
    "considered_against_criteria": ("Considered against the Working Together criteria", "Yes"),
    "criteria_met": (
        "Criteria met",
        "- highlights or may highlight concerns regarding two or more organisations or"
        " agencies working together effectively\n- highlights or may highlight recurrent"
        " themes in the safeguarding and promotion of the welfare of children",
    ),
    "outcome": ("Decision", "No LCSPR; an alternative learning review"),
    "national_review_recommended": ("National review recommended", "No"),
    "agencies_taking_part": (
        "Agencies taking part in the rapid review",
        "Loamshire Constabulary\nNorthfield Primary School\nChildren's Social Care",
    ),
    "absent_agency_reasons": (
        "Involved agencies not taking part, and why",
        "Loamshire Hospitals NHS Trust: Return outstanding; the Trust sent apologies.",
    ),
    "decided_by": ("Who took the decision", "Alex Chair\nSam Director"),
    "decided_on": ("Date of the decision", "Tuesday 24 November 2026"),
}


def test_every_field_of_the_decision_record_is_in_its_place() -> None:
    assert set(TEXT_FIELDS) | set(OTHER_FIELDS) == set(DecisionRecord.model_fields)
    record, found = decision().record, fields(submission())
    assert list(found) == list(PANEL_ORDER)
    for name, label in TEXT_FIELDS.items():
        assert found[label] == getattr(record, name), name
    for name, (label, shown) in OTHER_FIELDS.items():
        assert found[label] == shown, name
    assert len(CRITERIA) == len(type(record.criteria_met[0]))


def test_it_holds_the_childs_details_the_returns_and_the_ratification() -> None:
    document = submission()
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Rapid Review: Combined Summary for the National Panel"
    assert "Ratified by Executive Group on Thursday 26 November 2026." in texts
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert CHILD in cells and "NOT RETURNED" in cells and "nil return (no involvement)" in cells
    assert document.sections[0].header.paragraphs[0].text.endswith(PARTNERSHIP)


def test_an_agency_left_out_without_a_reason_is_still_named() -> None:
    view = decision()
    silent = view.record.model_copy(update={"absent_agency_reasons": {}})
    view = type(view)(silent, view.decided_by, view.agencies)
    document = Document(io.BytesIO(panel_submission(facts(), returns(), view, made_on=MADE_ON)))
    assert fields(document)["Involved agencies not taking part, and why"] == (
        "Loamshire Hospitals NHS Trust: No reason recorded."
    )


def test_the_covering_letter_gives_the_outcome_and_is_signed_by_the_chairs() -> None:
    chairs = (Person("Alex Chair", "Independent Chair"), Person("Sam Director", "DCS"))
    content = covering_letter(facts(), decision(), signatories=chairs, made_on=MADE_ON)
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert texts[:4] == [
        PARTNERSHIP,
        "Friday 20 November 2026",
        "The Child Safeguarding Practice Review Panel",
        f"Our reference: {REF}",
    ]
    body = "\n".join(texts)
    assert "No LCSPR; an alternative learning review" in body
    assert "We do not recommend a national review." in body
    assert texts[-3:] == [
        "Alex Chair, Independent Chair",
        "Sam Director, DCS",
        f"For {PARTNERSHIP}",
    ]
    assert CHILD not in body
    assert content == covering_letter(facts(), decision(), signatories=chairs, made_on=MADE_ON)

"""The reply template: made for one agency on one case, filled in by its SPOC in Word, and
read back into a structured return, or refused with words the SPOC can act on."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from bot.documents import NotATemplate, TemplateUnreadable, read_reply_template, reply_template
from bot.documents.reply_template import CHRONOLOGY_ROWS
from bot.domain.returns import ChronologyEntry, Involvement, KeyContact
from tests.support.documents_samples import MADE_ON, PARTNERSHIP, POLICE, REF

DUE = date(2026, 11, 11)


def blank() -> bytes:
    return reply_template(ref=REF, partnership=PARTNERSHIP, agency=POLICE, due=DUE, made_on=MADE_ON)


def table(document: DocxDocument, first: str) -> Table:
    return next(t for t in document.tables if t.rows[0].cells[0].text == first)


def answer(document: DocxDocument, label_start: str, text: str) -> None:
    row = next(
        r for r in table(document, "Question").rows if r.cells[0].text.startswith(label_start)
    )
    row.cells[1].text = text


def chronology_row(document: DocxDocument, number: int, *texts: str) -> None:
    chronology = table(document, "Date")
    while len(chronology.rows) <= number:
        chronology.add_row()
    for cell, text in zip(chronology.rows[number].cells, texts, strict=False):
        cell.text = text


def saved(document: DocxDocument) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filled(change: Callable[[DocxDocument], None] | None = None) -> bytes:
    """The template as a SPOC returns it: answers, a contact, three events in three date styles."""
    document = Document(io.BytesIO(blank()))
    answer(document, "Involvement", "Full")
    answer(document, "Period of involvement: from", "01/09/2026")
    answer(document, "Period of involvement: to", "1 November 2026")
    answer(document, "Records secured", "Yes")
    answer(document, "Your analysis", "Two attendances.\nThe referral was made the same day.")
    answer(document, "Learning", "Out-of-hours sharing.")
    answer(document, "Immediate safeguarding", "Sibling placed with grandmother.")
    answer(document, "More to follow", "no")
    contacts = table(document, "Key contact's name")
    contacts.rows[1].cells[0].text, contacts.rows[1].cells[1].text = "DS Amber Lyle", "Officer"
    chronology_row(document, 1, "2026-10-05", "", "Domestic incident attended", "PC 123", "NICHE")
    chronology_row(document, 3, "3/9/2026", "6 Sep 2026", "Welfare checks")  # row 2 left empty
    if change is not None:
        change(document)
    return saved(document)


def test_the_template_names_its_case_agency_and_due_date_but_not_the_child() -> None:
    document = Document(io.BytesIO(blank()))
    texts = [p.text for p in document.paragraphs]
    assert "Rapid Review LLR-RR-2026-001, for Loamshire Constabulary." in texts
    assert "Please return it by Wednesday 11 November 2026." in texts
    assert "Template reference: LLR-RR-2026-001 / police / reply template v1" in texts
    assert document.core_properties.keywords == "rrbot-reply-template v1 LLR-RR-2026-001 police"
    header = [c.text for c in table(document, "Date").rows[0].cells]
    assert header == ["Date", "Until", "What happened", "Who was involved", "Source record"]
    assert len(table(document, "Date").rows) == 1 + CHRONOLOGY_ROWS
    assert blank() == blank()


def test_a_template_filled_in_word_reads_back_as_the_structured_return() -> None:
    ref, agency, content = read_reply_template(filled(), expected_ref=REF, expected_agency="police")
    assert (ref, agency) == (REF, "police")
    assert content.involvement is Involvement.FULL
    assert (content.period_from, content.period_to) == (date(2026, 9, 1), date(2026, 11, 1))
    assert content.records_secured is True and content.partial is False
    assert content.analysis == "Two attendances.\nThe referral was made the same day."
    assert content.safeguarding_actions == "Sibling placed with grandmother."
    assert content.contacts == (KeyContact(name="DS Amber Lyle", role="Officer"),)
    assert content.chronology == (
        ChronologyEntry(
            on=date(2026, 10, 5), what="Domestic incident attended", who="PC 123", source="NICHE"
        ),
        ChronologyEntry(on=date(2026, 9, 3), until=date(2026, 9, 6), what="Welfare checks"),
    )


def test_a_nil_return_needs_nothing_but_none() -> None:
    document = Document(io.BytesIO(blank()))
    answer(document, "Involvement", "none")
    _, _, content = read_reply_template(saved(document))
    assert content.involvement is Involvement.NONE and content.chronology == ()


def test_the_identity_survives_an_editor_that_drops_the_properties() -> None:
    def drop_keywords(document: DocxDocument) -> None:
        document.core_properties.keywords = ""

    assert read_reply_template(filled(drop_keywords))[:2] == (REF, "police")


def _refused(content: bytes, **expected: str) -> str:
    with pytest.raises(TemplateUnreadable) as refused:
        read_reply_template(content, **expected)
    assert refused.value.code == "template_unreadable"
    return refused.value.message


def test_a_template_for_another_case_or_agency_is_refused() -> None:
    assert _refused(filled(), expected_ref="LLR-RR-2026-002") == (
        "This is not the reply template for LLR-RR-2026-002."
    )
    assert "is for another agency, not school" in _refused(filled(), expected_agency="school")


def test_a_bad_date_is_named_by_its_row() -> None:
    bad = filled(lambda d: chronology_row(d, 4, "31/02/2026", "", "Visit"))
    assert _refused(bad).startswith("Row 4 of the chronology: '31/02/2026' is not a date")


def test_an_entry_without_what_happened_or_running_backwards_is_refused() -> None:
    assert "Row 4 of the chronology: give the date and what happened" in _refused(
        filled(lambda d: chronology_row(d, 4, "2026-10-01", "", "", "PC 9"))
    )
    assert "Row 4 of the chronology: 'Until' is before the date" in _refused(
        filled(lambda d: chronology_row(d, 4, "2026-10-01", "2026-09-01", "Visit"))
    )


def test_an_over_long_cell_is_refused_with_its_limit() -> None:
    message = _refused(filled(lambda d: chronology_row(d, 2, "2026-10-01", "", "x" * 1001)))
    assert message.startswith("Row 2 of the chronology: 'What happened' has 1,001 characters")
    assert "at most 1,000" in message


def test_too_many_chronology_rows_are_refused() -> None:
    def many(document: DocxDocument) -> None:
        for number in range(1, 502):
            chronology_row(document, number, "2026-10-01", "", f"Visit {number}")

    assert "The chronology has 501 entries; at most 500" in _refused(filled(many))


def test_an_unclear_answer_is_refused() -> None:
    assert "full, limited or none" in _refused(filled(lambda d: answer(d, "Involvement", "some")))
    assert "Records secured: answer yes or no, not 'maybe'" in _refused(
        filled(lambda d: answer(d, "Records secured", "maybe"))
    )


def test_a_template_that_lost_a_table_is_refused() -> None:
    def delete_chronology(document: DocxDocument) -> None:
        element = table(document, "Date")._tbl
        element.getparent().remove(element)

    assert "The chronology table is missing" in _refused(filled(delete_chronology))


def test_an_involved_agency_must_give_its_analysis_or_chronology() -> None:
    def silent(document: DocxDocument) -> None:
        answer(document, "Your analysis", "")
        for row in table(document, "Date").rows[1:]:
            for cell in row.cells:
                cell.text = ""

    assert _refused(filled(silent)) == (
        "The reply cannot be recorded yet: an agency that was involved gives its analysis"
        " or its chronology"
    )


def test_a_word_document_that_is_not_the_template_is_refused() -> None:
    other = Document()
    other.add_paragraph("Please find our return attached.")
    with pytest.raises(NotATemplate, match="not a reply template"):
        read_reply_template(saved(other))

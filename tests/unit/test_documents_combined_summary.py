"""The Combined Summary for the meeting, read back with python-docx as its readers' Word would."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from bot.documents import combined_summary
from bot.documents.decision_parts import CONSIDERATION_LABELS, DECISION_LABELS
from bot.documents.views import AgencyReturn, ReturnStatus
from bot.documents.word import MARKING, TO_COMPLETE
from tests.support.documents_samples import (
    CHILD,
    MADE_ON,
    PARTNERSHIP,
    REF,
    SOCIAL_CARE,
    decision,
    facts,
    returns,
)


def opened(content: bytes) -> DocxDocument:
    return Document(io.BytesIO(content))


def table_headed(document: DocxDocument, first: str) -> Table:
    return next(t for t in document.tables if t.rows[0].cells[0].text == first)


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows[1:]]


def headings(document: DocxDocument, level: int) -> list[str]:
    style = "Title" if level == 0 else f"Heading {level}"
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def paper(**kwargs: object) -> DocxDocument:
    return opened(combined_summary(facts(), returns(), version=1, made_on=MADE_ON, **kwargs))  # type: ignore[arg-type]


def test_the_sections_come_in_the_templates_order() -> None:
    document = paper()
    assert headings(document, 0) == ["Combined Summary for meeting"]
    assert headings(document, 1) == [
        "Section 1: The case",
        "Section 2: The meeting's consideration",
        "Section 3: The decision",
    ]
    assert headings(document, 2) == [
        "Returns from the agencies",
        "The agencies' returns",
        "Multi-agency chronology",
    ]
    assert headings(document, 3)[:4] == [
        "Loamshire Constabulary",
        "Northfield Primary School",
        "Children's Social Care",
        "Loamshire Hospitals NHS Trust",
    ]
    assert "Version 1, made on Friday 20 November 2026" in document.paragraphs[1].text


def test_every_section_is_marked_top_and_bottom_with_a_page_number() -> None:
    document = paper()
    assert len(document.sections) == 3  # portrait, the landscape chronology, portrait again
    for section in document.sections:
        assert not section.header.is_linked_to_previous
        assert section.header.paragraphs[0].text == f"{MARKING}    {PARTNERSHIP}"
        assert section.footer.paragraphs[0].text.startswith(f"{MARKING}    {PARTNERSHIP}")
        assert 'w:instr="PAGE"' in section.footer.paragraphs[0]._p.xml
    widths = [(s.page_width or 0) > (s.page_height or 0) for s in document.sections]
    assert widths == [False, True, False]


def test_the_case_facts_carry_the_childs_identifying_details_inside_the_document() -> None:
    details = dict(rows(table_headed(paper(), "Case")))
    assert details["Reference"] == REF
    assert details["Child's name(s)"] == CHILD
    assert details["Date(s) of birth"] == "Thursday 29 February 2024"
    assert details["Meeting"] == "Tuesday 24 November 2026 at 10:00"
    assert details["Notifying authority's reference"] == "SIN-4471"


def test_the_name_stays_out_of_the_files_properties() -> None:
    document = paper()
    core = document.core_properties
    for value in (core.title, core.subject, core.keywords, core.author, core.comments):
        assert CHILD.split()[1] not in (value or "")
    assert core.author == PARTNERSHIP and core.last_modified_by == PARTNERSHIP


def test_the_returns_table_shows_nil_returns_and_flags_missing_ones_with_how_late() -> None:
    table = rows(table_headed(paper(), "Agency"))
    assert table == [
        [
            "Loamshire Constabulary",
            "returned",
            "full information return (partial: more to follow)",
            "13 Nov 2026",
            "2 working days late",
        ],
        ["Northfield Primary School", "returned", "factual summary", "10 Nov 2026", "on time"],
        [
            "Children's Social Care",
            "returned",
            "nil return (no involvement)",
            "9 Nov 2026",
            "on time",
        ],
        ["Loamshire Hospitals NHS Trust", "NOT RETURNED", "", "", "6 working days overdue"],
    ]


def test_each_agency_section_holds_its_answers_contacts_summary_and_additions() -> None:
    document = paper()
    texts = [p.text for p in document.paragraphs]
    assert "Sibling placed with grandmother under police protection." in texts
    assert "Body map added." in texts
    assert "Added on Monday 16 November 2026" in texts
    assert "No return has been received: 6 working days overdue." in texts
    assert "Nil return (no involvement)." in texts
    answers = dict(rows(table_headed(document, "Question")))
    assert answers["Period of involvement"] == "1 Sep 2026 to 1 Nov 2026"
    assert answers["Records secured"] == "yes"
    assert answers["More to follow"] == "yes: this return is partial"
    assert rows(table_headed(document, "Key contact")) == [
        ["DS Amber Lyle", "Investigating officer"]
    ]


def test_the_chronology_merges_every_agency_by_date_keeping_same_day_entries_in_order() -> None:
    chronology = rows(table_headed(paper(), "Date"))
    assert [(row[0], row[1], row[2]) for row in chronology] == [
        (
            "3 Sep 2026 to 6 Sep 2026",
            "Loamshire Constabulary",
            "police: welfare check",
        ),
        ("3 Sep 2026", "Northfield Primary School", "school: started reception class"),
        ("5 Oct 2026", "Loamshire Constabulary", "police: domestic incident attended"),
        ("5 Oct 2026", "Loamshire Constabulary", "police: referral to children's social care"),
        ("5 Oct 2026", "Northfield Primary School", "school: absence reported"),
    ]
    assert chronology[0][3:] == ["duty sergeant", "NICHE 1"]


def _field_values(document: DocxDocument, labels: tuple[str, ...]) -> dict[str, str]:
    paragraphs = document.paragraphs
    values = {}
    for i, p in enumerate(paragraphs):
        if p.text in labels and p.style is not None and p.style.name == "Heading 3":
            following = []
            for q in paragraphs[i + 1 :]:
                if q.style is not None and q.style.name.startswith("Heading"):
                    break
                following.append(q.text)
            values[p.text] = "\n".join(following)
    return values


def test_sections_2_and_3_are_labelled_blanks_until_the_meeting_decides() -> None:
    values = _field_values(paper(), CONSIDERATION_LABELS + DECISION_LABELS)
    assert values == {label: TO_COMPLETE for label in CONSIDERATION_LABELS + DECISION_LABELS}


def test_the_decision_record_fills_sections_2_and_3() -> None:
    values = _field_values(paper(decision=decision()), CONSIDERATION_LABELS + DECISION_LABELS)
    assert values["Summary of the facts"] == decision().record.summary_of_facts
    assert values["Decision"] == "No LCSPR; an alternative learning review"
    assert values["Involved agencies not taking part, and why"] == (
        "Loamshire Hospitals NHS Trust: Return outstanding; the Trust sent apologies."
    )
    assert values["Who took the decision"] == "Alex Chair\nSam Director"
    assert TO_COMPLETE not in values.values()


def test_the_same_inputs_give_the_same_bytes_dated_the_day_they_were_made() -> None:
    first = combined_summary(facts(), returns(), version=1, made_on=MADE_ON)
    assert first == combined_summary(facts(), returns(), version=1, made_on=MADE_ON)
    assert first != combined_summary(facts(), returns(), version=1, made_on=date(2026, 11, 21))
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {e.date_time for e in package.infolist()} == {(2026, 11, 20, 0, 0, 0)}
    core = opened(first).core_properties
    assert core.created == core.modified == datetime(2026, 11, 20, tzinfo=UTC)
    assert core.revision == 1


def test_text_a_word_document_cannot_hold_is_dropped_not_a_crash() -> None:
    odd = AgencyReturn(
        SOCIAL_CARE, ReturnStatus.RETURNED, None, MADE_ON, summary="copied \x00from\x0b a pdf"
    )
    document = opened(combined_summary(facts(), [odd], version=1, made_on=MADE_ON))
    assert "copied from a pdf" in [p.text for p in document.paragraphs]

"""The chronology and key contacts typed one a line, as the Slack form and the Teams card
take them: each problem names its line; nothing but our own refusal ever comes out."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.return_lines import (
    CHRONOLOGY_LINE_MAX_CHARS,
    LinesInvalid,
    chronology_lines,
    chronology_text,
    contact_lines,
    contacts_text,
)
from bot.domain.returns import CHRONOLOGY_MAX, CONTACTS_MAX, ChronologyEntry, KeyContact


def refusal(read: object, text: str) -> str:
    with pytest.raises(LinesInvalid) as refused:
        read(text)  # type: ignore[operator]
    return str(refused.value)


def test_a_chronology_line_is_date_what_who_and_source() -> None:
    (entry,) = chronology_lines(
        "2026-11-03 | Home visit; mother seen | Social worker, mother | Mosaic case note 55"
    )
    assert entry == ChronologyEntry(
        on=date(2026, 11, 3),
        what="Home visit; mother seen",
        who="Social worker, mother",
        source="Mosaic case note 55",
    )


def test_dates_are_iso_british_or_a_range_and_who_and_source_are_optional() -> None:
    entries = chronology_lines(
        "03/11/2026 | Seen at A&E\n\n  2026-11-03 to 05/11/2026 | Admitted to ward | Paediatrics \n"
    )
    assert [(e.on, e.until, e.what, e.who, e.source) for e in entries] == [
        (date(2026, 11, 3), None, "Seen at A&E", "", ""),
        (date(2026, 11, 3), date(2026, 11, 5), "Admitted to ward", "Paediatrics", ""),
    ]


def test_each_problem_names_its_line_counting_blank_ones() -> None:
    text = "\n".join(
        [
            "2026-11-03 | Fine",
            "",
            "2026-13-01 | Month thirteen",
            "yesterday | Not a date",
            "2026-11-05 to 2026-11-04 | Backwards",
            "2026-11-05",
            "2026-11-05 | a | b | c | d",
        ]
    )
    assert refusal(chronology_lines, text) == (
        "Line 3: 2026-13-01 is not a day of the calendar."
        " Line 4: 'yesterday' is not a date; write 2026-11-03, 03/11/2026, or a range:"
        " 2026-11-03 to 2026-11-05."
        " Line 5: the date range ends before it begins."
        " Line 6: give the date and what happened:"
        " date | what happened | who was involved | source."
        " Line 7: it has 5 parts; a line is date | what happened | who was involved | source."
    )


def test_only_the_first_problems_are_spelt_out() -> None:
    with pytest.raises(LinesInvalid) as refused:
        chronology_lines("\n".join(f"day {n} | x" for n in range(8)))
    assert len(refused.value.problems) == 8
    assert str(refused.value).endswith("(and 3 more)")


def test_each_part_is_bounded_and_the_line_too() -> None:
    assert refusal(chronology_lines, "2026-11-03 | " + "w" * 1001) == (
        "Line 1: what happened has 1,001 characters; at most 1,000."
    )
    assert refusal(chronology_lines, "2026-11-03 | x | " + "p" * 301) == (
        "Line 1: who was involved has 301 characters; at most 300."
    )
    assert refusal(chronology_lines, "x" * (CHRONOLOGY_LINE_MAX_CHARS + 1)) == (
        f"Line 1: the line has {CHRONOLOGY_LINE_MAX_CHARS + 1:,} characters;"
        f" at most {CHRONOLOGY_LINE_MAX_CHARS:,}."
    )


def test_no_more_lines_than_the_template_allows() -> None:
    lines = "\n".join(["2026-11-03 | Seen"] * (CHRONOLOGY_MAX + 1))
    assert refusal(chronology_lines, lines) == (
        f"The chronology has {CHRONOLOGY_MAX + 1} lines; at most {CHRONOLOGY_MAX}."
    )
    assert len(chronology_lines("\n".join(["2026-11-03 | Seen"] * CHRONOLOGY_MAX))) == 500
    contacts = "\n".join(["A Person | Nurse"] * (CONTACTS_MAX + 1))
    assert refusal(contact_lines, contacts) == "The contact list has 51 lines; at most 50."


def test_a_huge_paste_is_refused_before_it_is_read() -> None:
    assert refusal(chronology_lines, "x" * 2_000_000) == (
        "The chronology is 2,000,000 characters: too long to read here."
    )


def test_a_contact_is_a_name_and_a_role() -> None:
    assert contact_lines("Sam Example | Health visitor\n") == (
        KeyContact(name="Sam Example", role="Health visitor"),
    )
    assert refusal(contact_lines, "Sam Example\nJo | ") == (
        "Line 1: a key contact is name | role, both given."
        " Line 2: a key contact is name | role, both given."
    )


def test_what_was_read_writes_back_as_the_same_lines() -> None:
    text = "2026-11-03 to 2026-11-05 | Admitted | Paediatrics | PAS 7\n2026-11-06 | Discharged"
    assert chronology_text(chronology_lines(text)) == text
    assert contacts_text(contact_lines("Sam | Nurse\nJo | GP")) == "Sam | Nurse\nJo | GP"


_piece = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["|", " to ", "2026-11-03", "31/02/2026", "\n", "0000-01-01", " \u2028 "]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, max_size=30).map("".join))
def test_any_text_is_read_or_refused_by_line_and_nothing_else(text: str) -> None:
    for read in (chronology_lines, contact_lines):
        problems: tuple[str, ...] = ()
        try:
            read(text)
        except LinesInvalid as refused:
            problems = refused.problems
        assert all(p.startswith(("Line ", "The ")) for p in problems)

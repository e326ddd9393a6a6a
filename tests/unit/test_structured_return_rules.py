"""A structured return (the reply template answered): version 1 is the agency's return, of
the kind its involvement makes; a later one is its next version, kept beside the earlier;
the case's summary is its plain text, bounded."""

from __future__ import annotations

from datetime import date

from bot.domain.requests import (
    CUT_NOTE,
    MAX_SUMMARY_CHARS,
    InformationRequest,
    RequestState,
    ReturnKind,
)
from bot.domain.returns import (
    ANALYSIS_MAX_CHARS,
    ChronologyEntry,
    Involvement,
    StructuredReturn,
    after,
    plain_text,
)
from tests.support.returns import NIL_RETURN, police_return

DUE = date(2027, 1, 6)
SPOC = "spoc@police.example"


def request() -> InformationRequest:
    return InformationRequest(agency="police", due=DUE, sent_on=date(2026, 12, 21))


def limited() -> StructuredReturn:
    return StructuredReturn(involvement=Involvement.LIMITED, analysis="Seen once at A&E.")


def test_the_first_structured_return_is_the_agencys_return_as_version_1() -> None:
    r = request()

    event = r.record_structured(police_return(), date(2027, 1, 8), 2, SPOC)

    assert (event.kind, event.version, event.late_by, event.partial) == (
        ReturnKind.FULL,
        1,
        2,
        False,
    )
    assert (r.state, r.returned_on, r.return_kind) == (
        RequestState.RETURNED,
        date(2027, 1, 8),
        ReturnKind.FULL,
    )
    assert [(v.number, v.by) for v in r.versions] == [(1, SPOC)]
    assert r.summary == plain_text(police_return())


def test_the_involvement_says_the_kind() -> None:
    for content, kind in (
        (NIL_RETURN, ReturnKind.NIL),
        (limited(), ReturnKind.FACTUAL_SUMMARY),
        (police_return(), ReturnKind.FULL),
    ):
        r = request()
        assert r.record_structured(content, DUE, 0, SPOC).kind is kind
        assert r.return_kind is kind


def test_a_partial_return_completed_later_is_version_2_and_the_first_is_kept() -> None:
    r = request()
    r.record_structured(police_return(partial=True), date(2027, 1, 5), 0, SPOC)
    assert r.is_partial

    event = r.record_structured(police_return(entries=3), date(2027, 1, 7), 1, SPOC)

    assert (event.version, event.late_by, event.partial, event.first) == (2, 0, False, False)
    assert [(v.number, v.on, v.content.partial) for v in r.versions] == [
        (1, date(2027, 1, 5), True),
        (2, date(2027, 1, 7), False),
    ]
    assert (r.returned_on, r.is_partial) == (date(2027, 1, 5), False)
    assert r.summary == plain_text(police_return(entries=3))


def test_a_later_version_may_change_the_kind() -> None:
    r = request()
    r.record_structured(limited(), DUE, 0, SPOC)

    r.record_structured(police_return(), DUE, 0, SPOC)

    assert r.return_kind is ReturnKind.FULL


def test_a_free_text_return_keeps_its_words_when_the_template_follows() -> None:
    r = request()
    r.record_return(ReturnKind.FULL, DUE, 0, "Two call-outs; details to follow.")

    event = r.record_structured(police_return(), DUE, 0, SPOC)

    assert (event.version, event.first) == (1, False)
    assert r.summary == "Two call-outs; details to follow."
    assert r.latest is not None and r.latest.content == police_return()


def test_the_files_sent_with_it_are_named_in_the_summary() -> None:
    r = request()
    r.record_structured(police_return(), DUE, 0, SPOC, files=("chronology.docx",))
    assert r.summary.endswith("\nFiles: chronology.docx")


def test_a_long_return_is_cut_in_the_summary_saying_where_the_rest_is() -> None:
    long = StructuredReturn.model_validate(
        police_return().model_dump()
        | {
            "analysis": "a" * ANALYSIS_MAX_CHARS,
            "learning": "b" * 5000,
            "safeguarding_actions": "c" * 5000,
        }
    )
    r = request()

    r.record_structured(long, DUE, 0, SPOC)

    assert len(r.summary) == MAX_SUMMARY_CHARS
    assert r.summary.endswith(CUT_NOTE)
    assert r.versions[0].content == long  # the version keeps every word


def test_the_plain_text_follows_the_template() -> None:
    text = plain_text(police_return(partial=True))

    assert text.splitlines()[:4] == [
        "Involvement: full (more to follow)",
        "Period of involvement: 2026-11-01 to 2026-12-01",
        "Key contacts:",
        "- DS Avery Example, Investigating officer",
    ]
    assert "- 2026-11-04 to 2026-11-06: Call-out 2 to the family home" in text
    assert "[source: STORM log 1001]" in text
    assert text.endswith("Records secured: yes")
    assert plain_text(NIL_RETURN) == "Involvement: none\nRecords secured: yes"


def test_entries_dated_after_a_day_are_found_by_number() -> None:
    content = police_return(entries=3)
    assert after(content, date(2026, 11, 4)) == [2, 3]  # the range to the 6th counts too
    assert after(content, date(2026, 11, 30)) == []
    ongoing = ChronologyEntry(on=date(2026, 11, 1), until=date(2027, 2, 1), what="Open case")
    assert after(StructuredReturn(involvement=Involvement.FULL, chronology=(ongoing,)), DUE) == [1]

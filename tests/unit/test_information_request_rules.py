"""An information request: chased rung by rung, returned once, in one of three kinds."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import DomainError, IllegalTransition
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import (
    AlreadyReturned,
    InformationRequest,
    RequestState,
    ReturnKind,
    reply_kind,
)

DUE = date(2027, 1, 6)


def request() -> InformationRequest:
    return InformationRequest(agency="gp", due=DUE, sent_on=date(2026, 12, 21))


def test_each_rung_moves_the_request_state() -> None:
    r = request()
    expected = [
        (ChaseStepKind.REMINDER, RequestState.REMINDED),
        (ChaseStepKind.CHASE, RequestState.CHASED),
        (ChaseStepKind.ESCALATE_CHAIR, RequestState.ESCALATED),
    ]
    for kind, state in expected:
        r.record_chase(kind, DUE)
        assert r.state is state


def test_a_rung_recorded_twice_counts_once() -> None:
    r = request()
    r.record_chase(ChaseStepKind.CHASE, DUE)
    r.record_chase(ChaseStepKind.CHASE, DUE)
    assert len(r.chases) == 1


def test_a_returned_request_is_never_chased() -> None:
    r = request()
    r.record_return(ReturnKind.NIL, DUE, 0)
    with pytest.raises(IllegalTransition, match="already returned"):
        r.record_chase(ChaseStepKind.CHASE, DUE)


@pytest.mark.parametrize("kind", [ReturnKind.FULL, ReturnKind.FACTUAL_SUMMARY])
def test_a_full_return_or_factual_summary_needs_its_text(kind: ReturnKind) -> None:
    with pytest.raises(DomainError, match="needs its summary text"):
        request().record_return(kind, DUE, 0, "  ")


def test_a_nil_return_means_no_involvement_and_needs_no_text() -> None:
    event = request().record_return(ReturnKind.NIL, DUE, 0)
    assert event.kind.label == "nil return (no involvement)"


def test_an_early_return_is_not_negative_late() -> None:
    assert request().record_return(ReturnKind.NIL, date(2027, 1, 4), -2).late_by == 0


def test_a_second_return_is_refused_saying_when_the_first_came() -> None:
    r = request()
    r.record_return(ReturnKind.NIL, DUE, 0)
    with pytest.raises(AlreadyReturned, match="already recorded on Wed 06 Jan as a nil return"):
        r.record_return(ReturnKind.FULL, DUE, 0, "text")


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Nil return", ReturnKind.NIL),
        ("nil - no records held", ReturnKind.NIL),
        ("No involvement with this family.", ReturnKind.NIL),
        ("Not known to us", ReturnKind.NIL),
        ("Factual summary: one A&E attendance in 2025.", ReturnKind.FACTUAL_SUMMARY),
        ("Allocated social worker since March; chronology attached.", ReturnKind.FULL),
        ("Nilsson ward records attached", ReturnKind.FULL),  # a word that starts with nil
        ("", ReturnKind.FULL),  # a file posted without words
    ],
)
def test_a_return_typed_in_chat_is_read_from_how_it_opens(typed: str, kind: ReturnKind) -> None:
    assert reply_kind(typed) is kind


def test_a_return_longer_than_the_limit_is_refused_with_what_to_do_instead() -> None:
    request = InformationRequest(agency="police", due=date(2027, 1, 6), sent_on=date(2027, 1, 4))
    with pytest.raises(DomainError, match="at most 20,000 characters .this one has 20,001."):
        request.record_return(ReturnKind.FULL, date(2027, 1, 5), 0, "x" * 20_001)
    assert request.is_open  # nothing recorded: the SPOC can send it again, shorter


def test_what_follows_a_return_is_added_beside_it_in_order_never_over_it() -> None:
    r = request()
    r.record_return(ReturnKind.FULL, DUE, 0, "Full return attached below.")
    r.add_to_return("Files: gp-return.docx", DUE, "oli.danvers@gp.example.org")
    r.add_to_return("Correction: two visits, not one.", date(2027, 1, 7), "bo@example.org")
    assert r.summary == "Full return attached below."
    assert [(a.on, a.by, a.text) for a in r.additions] == [
        (DUE, "oli.danvers@gp.example.org", "Files: gp-return.docx"),
        (date(2027, 1, 7), "bo@example.org", "Correction: two visits, not one."),
    ]


def test_nothing_is_added_to_a_return_not_yet_made_nor_an_empty_addition() -> None:
    with pytest.raises(DomainError, match="not recorded yet"):
        request().add_to_return("Files: early.docx", DUE, "oli.danvers@gp.example.org")
    r = request()
    r.record_return(ReturnKind.NIL, DUE, 0)
    with pytest.raises(DomainError, match="Nothing to add"):
        r.add_to_return("  ", DUE, "oli.danvers@gp.example.org")
    assert r.additions == []

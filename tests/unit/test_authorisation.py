"""Only people on the case see it; only the right role acts on it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.directories import load_directory
from bot.domain.authorisation import SYSTEM, Operation, authorise
from bot.domain.cases import Case
from bot.domain.errors import NotAuthorised
from bot.domain.sensitivity import CaseSubject
from bot.domain.stages import Track

DIRECTORY = load_directory()
CHAIR = "chris.lindqvist@partnership.example.org"
OFFICER = "bo.adeyemi@partnership.example.org"
GP_SPOC = "oli.danvers@gp.example.org"
HOUSING_SPOC = "uma.rowe@housing.example.org"

CASE = Case(
    ref="LLR-RR-2026-001",
    playbook="llr",
    track=Track.RAPID_REVIEW,
    notified_on=date(2026, 12, 18),
    received_at=datetime(2026, 12, 18, tzinfo=UTC),
    subject=CaseSubject(names=(), dates_of_birth=()),
    agencies=("la", "gp"),
    members=frozenset({CHAIR, OFFICER, GP_SPOC}),
)


def test_the_chair_records_the_decision() -> None:
    authorise(DIRECTORY, CHAIR, Operation.RECORD_DECISION, CASE)


def test_a_business_officer_cannot_record_the_decision_and_is_told_why() -> None:
    with pytest.raises(NotAuthorised) as err:
        authorise(DIRECTORY, OFFICER, Operation.RECORD_DECISION, CASE)
    assert err.value.message == (
        "Only a chair can record the decision; you hold: business officer."
    )


def test_a_spoc_records_their_own_agencys_return_only() -> None:
    authorise(DIRECTORY, GP_SPOC, Operation.RECORD_RETURN, CASE, agency="gp")
    with pytest.raises(NotAuthorised, match="Riverside GP Practice spoc"):
        authorise(DIRECTORY, GP_SPOC, Operation.RECORD_RETURN, CASE, agency="la")


def test_someone_not_on_the_case_cannot_see_it() -> None:
    with pytest.raises(NotAuthorised, match=r"^No case LLR-RR-2026-001 that you are on\.$"):
        authorise(DIRECTORY, HOUSING_SPOC, Operation.VIEW_CASE, CASE)


def test_a_stranger_is_refused_by_name() -> None:
    with pytest.raises(NotAuthorised, match="stranger@example.org is not"):
        authorise(DIRECTORY, "stranger@example.org", Operation.OPEN_CASE)


def test_a_stranger_is_not_told_that_a_case_exists() -> None:
    with pytest.raises(NotAuthorised, match=r"^No case LLR-RR-2026-001 that you are on\.$"):
        authorise(DIRECTORY, "stranger@example.org", Operation.VIEW_CASE, CASE)


def test_the_bot_itself_acts_from_its_schedule() -> None:
    authorise(DIRECTORY, SYSTEM, Operation.CHASE, CASE)

"""A case moves only along the transition table; a refusal says where it is and what is next."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cases import format_ref, parse_ref, ref_year
from bot.domain.errors import IllegalTransition, InvalidInput
from bot.domain.stages import NEXT_STEP, START, TRANSITIONS, Action, Stage, Track, next_stage
from bot.domain.timetable import add_months

HAPPY_PATH = [
    (Action.SEND_REQUESTS, Stage.REQUESTS_SENT),
    (Action.BOOK_MEETING, Stage.MEETING_BOOKED),
    (Action.MOVE_MEETING, Stage.MEETING_BOOKED),
    (Action.HOLD_MEETING, Stage.MET),
    (Action.RECORD_DECISION, Stage.DECIDED),
    (Action.RATIFY, Stage.RATIFIED),
    (Action.SUBMIT, Stage.SUBMITTED),
    (Action.CLOSE, Stage.CLOSED),
]


def test_a_rapid_review_walks_from_notification_to_closure() -> None:
    stage = START[Track.RAPID_REVIEW]
    assert stage is Stage.NOTIFIED
    for action, expected in HAPPY_PATH:
        stage = next_stage("LLR-RR-2026-001", stage, action)
        assert stage is expected


def test_a_referral_is_discussed_then_decided_then_closed() -> None:
    stage = START[Track.REFERRAL]
    for action in (Action.DISCUSS, Action.DECIDE_THRESHOLD, Action.CLOSE):
        stage = next_stage("LLR-RR-2026-002", stage, action)
    assert stage is Stage.CLOSED


def test_a_cancelled_meeting_returns_the_case_to_booking() -> None:
    assert next_stage("R", Stage.MEETING_BOOKED, Action.CANCEL_MEETING) is Stage.REQUESTS_SENT


def test_an_illegal_step_names_the_current_stage_and_the_next_step() -> None:
    with pytest.raises(IllegalTransition) as err:
        next_stage("LLR-RR-2026-001", Stage.REQUESTS_SENT, Action.SUBMIT)
    assert err.value.message == (
        "LLR-RR-2026-001 cannot submit now: it is information requests sent, meeting not"
        " booked. Next: book the Rapid Review meeting (/rapidreview schedule)."
    )


@given(st.sampled_from(Stage), st.sampled_from(Action))
def test_every_step_is_either_in_the_table_or_refused(stage: Stage, action: Action) -> None:
    if (stage, action) in TRANSITIONS:
        assert next_stage("R", stage, action) is TRANSITIONS[(stage, action)]
    else:
        with pytest.raises(IllegalTransition, match=NEXT_STEP[stage].split(" (")[0]):
            next_stage("R", stage, action)


def test_nothing_leaves_a_closed_case() -> None:
    assert not [key for key in TRANSITIONS if key[0] is Stage.CLOSED]


def test_every_stage_says_what_comes_next() -> None:
    assert set(NEXT_STEP) == set(Stage)


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=8),
    st.integers(2000, 2099),
    st.integers(1, 9999),
)
def test_references_round_trip_and_number_within_the_year(code: str, year: int, n: int) -> None:
    ref = format_ref(code, year, n)
    assert parse_ref(f"  {ref.lower()} ") == ref
    assert ref_year(ref) == year
    assert ref.split("-")[-1].lstrip("0") == str(n)


def test_references_are_zero_padded_to_three_digits() -> None:
    assert format_ref("LLR", 2026, 14) == "LLR-RR-2026-014"


@pytest.mark.parametrize("text", ["", "LLR-2026-014", "RR-2026-014", "LLR-RR-26-014", "Jamie"])
def test_anything_else_is_not_a_reference(text: str) -> None:
    with pytest.raises(InvalidInput, match="is not a case reference; they look like"):
        parse_ref(text)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 11, 30), 1, date(2026, 12, 30)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2026, 12, 18), 2, date(2027, 2, 18)),
    ],
)
def test_referral_months_are_calendar_months_clamped_to_the_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected

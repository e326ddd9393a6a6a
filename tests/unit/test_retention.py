"""When a closed case may be erased: after its playbook's retention period, counted in whole
years from the day it closed, and only if it closed before the date the purge was given."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot import playbooks
from bot.domain.retention import Retention, may_erase

SIX = Retention()


def test_every_shipped_playbook_keeps_records_six_years_after_closure_and_says_why() -> None:
    for key in playbooks.available():
        retention = playbooks.load(key).retention
        assert retention.years_after_closure == 6
        assert "no seed states a period" in retention.source


def test_a_record_is_kept_through_the_anniversary_and_may_go_the_day_after() -> None:
    closed = date(2019, 1, 3)
    on_the_day = may_erase(
        "LLR-RR-2018-008", closed_on=closed, retention=SIX, today=date(2025, 1, 3),
        closed_before=date(2020, 1, 1),
    )  # fmt: skip
    day_after = may_erase(
        "LLR-RR-2018-008", closed_on=closed, retention=SIX, today=date(2025, 1, 4),
        closed_before=date(2020, 1, 1),
    )  # fmt: skip
    assert not on_the_day.allowed
    assert "must be kept until 2025-01-03" in on_the_day.reason
    assert day_after.allowed


def test_a_leap_day_closure_is_kept_until_the_28th_of_february() -> None:
    assert SIX.kept_until(date(2024, 2, 29)) == date(2030, 2, 28)
    assert Retention(years_after_closure=4).kept_until(date(2024, 2, 29)) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("closed_on", "reason"),
    [
        (None, "it is still open"),
        (date(2019, 6, 1), "it closed on 2019-06-01, not before 2019-06-01"),
    ],
)
def test_an_open_case_or_one_closed_on_or_after_the_date_given_is_kept(
    closed_on: date | None, reason: str
) -> None:
    erasure = may_erase(
        "LLR-RR-2019-001", closed_on=closed_on, retention=SIX, today=date(2030, 1, 1),
        closed_before=date(2019, 6, 1),
    )  # fmt: skip
    assert (erasure.allowed, erasure.reason) == (False, reason)


def test_a_period_under_a_year_is_refused_when_the_playbook_is_read() -> None:
    with pytest.raises(ValidationError, match="years_after_closure"):
        Retention(years_after_closure=0)

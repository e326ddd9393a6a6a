"""A notification is checked at the edge: every field, in words."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain.notification import Notification


def fields(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "external_ref": "LA-2026-0457",
        "notified_on": "2026-12-18",
        "agencies": ["la", "police"],
    }
    return base | changes


def test_a_plain_notification_is_accepted() -> None:
    assert Notification.model_validate(fields()).notified_on.isoformat() == "2026-12-18"


@pytest.mark.parametrize("value", [1797552000, 20261218.0])
def test_a_number_is_not_taken_for_a_date(value: float) -> None:
    with pytest.raises(ValidationError, match="write dates as YYYY-MM-DD"):
        Notification.model_validate(fields(notified_on=value))


def test_a_number_among_the_dates_of_birth_is_refused() -> None:
    with pytest.raises(ValidationError, match="write dates as YYYY-MM-DD"):
        Notification.model_validate(fields(dates_of_birth=["2015-03-03", 1425340800]))


def test_an_agency_listed_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="an agency is listed twice"):
        Notification.model_validate(fields(agencies=["la", "la"]))


def test_unknown_fields_are_refused_rather_than_silently_dropped() -> None:
    with pytest.raises(ValidationError, match="extra_forbidden|Extra inputs"):
        Notification.model_validate(fields(child_nhs_number="9434765919"))

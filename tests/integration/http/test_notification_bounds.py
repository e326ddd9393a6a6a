"""A notification's every field is bounded, and its dates must be possible: refused with a
422 naming the field, before anything is opened.

Year 1 made the reference `LLR-RR-1-001`; 9999-12-30 retried the channel every minute for
ever; 1900-01-01 fired the whole escalation ladder at once. "Today" is the partnership's
(Europe/London) on the server's clock, which these tests hold at 10:00 on 18 December 2026.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.clock import SimulatedClock
from bot.bootstrap import Container
from bot.services.facade import Services
from tests.integration.http.harness import AUTH, Running, notification, serving, settings_for

TOO_EARLY = (
    "The notification date must be on or after Monday 1 January 2018:"
    " Rapid Reviews began with Working Together 2018."
)
IN_THE_FUTURE = "The notification date cannot be in the future (today is Friday 18 December 2026)."


async def refused(running: Running, **changes: object) -> list[dict[str, str]]:
    response = await running.client.post(
        "/notifications", json=notification(**changes), headers=AUTH
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_notification"
    async with running.container.ctx.uow() as uow:
        assert await uow.cases.open_cases() == []  # nothing opened
    return list(response.json()["errors"])


@pytest.mark.parametrize(
    ("notified_on", "message"),
    [
        ("0001-01-01", TOO_EARLY),
        ("1900-01-01", TOO_EARLY),
        ("2017-12-31", TOO_EARLY),
        ("2026-12-20", IN_THE_FUTURE),
        ("9999-12-30", IN_THE_FUTURE),
    ],
)
async def test_a_notification_date_that_cannot_be_real_is_refused_naming_the_field(
    running: Running, notified_on: str, message: str
) -> None:
    assert await refused(running, notified_on=notified_on) == [
        {"field": "notified_on", "message": message}
    ]


@pytest.mark.parametrize("notified_on", ["2018-01-01", "2026-12-18", "2026-12-19"])
async def test_dates_from_2018_to_tomorrow_are_accepted(running: Running, notified_on: str) -> None:
    """Tomorrow too: a sender's clock a little fast just after midnight."""
    response = await running.client.post(
        "/notifications", json=notification(notified_on=notified_on), headers=AUTH
    )
    assert response.status_code == 201
    assert response.json()["case_ref"] == f"LLR-RR-{notified_on[:4]}-001"


async def test_today_is_the_partnership_s_day_not_the_servers_utc_one(database_url: str) -> None:
    """00:30 on Friday 18 June 2027 in London is still Thursday 17 June in UTC."""
    half_past_midnight = datetime(2027, 6, 18, 0, 30, tzinfo=ZoneInfo("Europe/London"))

    def at_half_past_midnight(container: Container) -> Container:
        container.ctx = replace(container.ctx, clock=SimulatedClock(half_past_midnight))
        container.services = Services(container.ctx)
        return container

    settings = settings_for(database_url)
    async with serving(settings, adjust=at_half_past_midnight) as running:
        tomorrow_in_london = notification(notified_on="2027-06-19")
        response = await running.client.post(
            "/notifications", json=tomorrow_in_london, headers=AUTH
        )
        assert response.status_code == 201


async def test_dates_of_birth_in_the_future_or_absurdly_long_ago_are_refused(
    running: Running,
) -> None:
    errors = await refused(running, dates_of_birth=["2019-03-04", "2027-01-01", "1899-12-31"])
    assert errors == [
        {
            "field": "dates_of_birth[1]",
            "message": IN_THE_FUTURE.replace("The notification date", "A date of birth"),
        },
        {
            "field": "dates_of_birth[2]",
            "message": "A date of birth must be on or after Monday 1 January 1900.",
        },
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"child_names": ["J" * 101]}, "child_names[0]", "Must be at most 100 characters long."),
        ({"family_names": ["Ok", "  "]}, "family_names[1]", "Must not be blank."),
        (
            {"child_names": [f"Child {i}" for i in range(21)]},
            "child_names",
            "Must list at most 20 item(s).",
        ),
        (
            {"dates_of_birth": ["2019-03-04"] * 21},
            "dates_of_birth",
            "Must list at most 20 item(s).",
        ),
        (
            {"agencies": [f"agency-{i}" for i in range(51)]},
            "agencies",
            "Must list at most 50 item(s).",
        ),
        ({"agencies": ["la", "a" * 32]}, "agencies[1]", "Must be at most 31 characters long."),
    ],
)
async def test_every_free_text_field_is_bounded(
    running: Running, changes: dict[str, object], field: str, message: str
) -> None:
    assert await refused(running, **changes) == [{"field": field, "message": message}]


async def test_a_name_of_the_longest_allowed_length_is_accepted(running: Running) -> None:
    names = [f"{i:02d}" + "n" * 98 for i in range(20)]
    response = await running.client.post(
        "/notifications", json=notification(child_names=names), headers=AUTH
    )
    assert response.status_code == 201


async def test_the_openapi_document_states_the_same_limits(running: Running) -> None:
    schema = (await running.client.get("/openapi.json")).json()["components"]["schemas"]
    fields = schema["Notification"]["properties"]
    for names in ("child_names", "family_names"):
        assert fields[names]["maxItems"] == 20
        assert fields[names]["items"] == {"type": "string", "minLength": 1, "maxLength": 100}
    assert (fields["agencies"]["maxItems"], fields["agencies"]["items"]["maxLength"]) == (50, 31)
    assert fields["dates_of_birth"]["maxItems"] == 20
    assert fields["external_ref"]["maxLength"] == 64
    assert "2018-01-01" in fields["notified_on"]["description"]

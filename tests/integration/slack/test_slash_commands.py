"""`/rapidreview` through the real ASGI app and slack-bolt: signed requests, an immediate ack,
and one private answer for each outcome."""

from __future__ import annotations

import time
from typing import Any

from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import Running, serving, settings_for
from tests.integration.slack.slack_app import CHAIR, LA_SPOC, command, open_case, running

__all__ = ["running"]  # the fixture, used by name


def person(slack_api: SlackApiFake, email: str) -> str:
    return slack_api.add_user(email)


async def test_the_chair_asks_for_the_status_in_the_case_channel(
    running: Running, slack_api: SlackApiFake
) -> None:
    chair = person(slack_api, CHAIR)
    ref = await open_case(running)
    status, answer = await command(running, slack_api, chair, "status", channel=ref.lower())
    assert status == 200
    assert answer is not None
    assert answer.startswith(f"{ref}: information requests sent")


async def test_a_person_without_the_role_is_told_so(
    running: Running, slack_api: SlackApiFake
) -> None:
    spoc = person(slack_api, LA_SPOC)
    ref = await open_case(running)
    _, answer = await command(running, slack_api, spoc, f"schedule {ref}")
    assert answer is not None
    assert answer.startswith("Sorry: Only a business officer or chair or partnership manager")


async def test_an_unknown_case_reference_gets_its_own_answer(
    running: Running, slack_api: SlackApiFake
) -> None:
    chair = person(slack_api, CHAIR)
    _, answer = await command(running, slack_api, chair, "status LLR-RR-2026-999")
    assert answer == "Sorry: No case with reference LLR-RR-2026-999."


async def test_help_lists_every_command(running: Running, slack_api: SlackApiFake) -> None:
    chair = person(slack_api, CHAIR)
    _, answer = await command(running, slack_api, chair, "help")
    assert answer is not None
    for name in ("new", "status", "schedule", "quorum", "chase", "decision", "submit", "close"):
        assert f"  {name}" in answer


async def test_someone_slack_cannot_give_an_email_for_is_told_why(
    running: Running, slack_api: SlackApiFake
) -> None:
    _, answer = await command(running, slack_api, "U0NOBODY", "help")
    assert answer is not None
    assert "cannot read an email address for your Slack account" in answer


async def test_a_bad_signature_is_refused(running: Running, slack_api: SlackApiFake) -> None:
    chair = person(slack_api, CHAIR)
    status, _ = await command(running, slack_api, chair, "help", secret="not-the-secret")
    assert status == 401
    assert slack_api.responses == []


async def test_a_request_older_than_five_minutes_is_refused(
    running: Running, slack_api: SlackApiFake
) -> None:
    chair = person(slack_api, CHAIR)
    stale = int(time.time()) - 6 * 60
    status, _ = await command(running, slack_api, chair, "help", timestamp=stale)
    assert status == 401


async def test_without_slack_settings_the_endpoint_says_so(database_url: str) -> None:
    async with serving(settings_for(database_url)) as running:
        reply = await running.client.post("/slack/events", content=b"x")
    body: dict[str, Any] = reply.json()
    assert reply.status_code == 404
    assert "Slack is not configured" in body["message"]

"""`/rapidreview` through the real ASGI app and slack-bolt: signed requests, an immediate ack,
and one private answer for each outcome."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.integration.http.harness import TOKEN, Running, notification, serving, settings_for

SECRET = "fictional-signing-secret"
CHAIR = "chris.lindqvist@partnership.example.org"
LA_SPOC = "fay.morrow@council.example.org"


@pytest.fixture
async def running(slack_api: SlackApiFake, database_url: str) -> AsyncIterator[Running]:
    settings = settings_for(
        database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=slack_api.base_url,
    )
    async with serving(settings) as running:
        yield running


async def command(
    running: Running,
    slack_api: SlackApiFake,
    user: str,
    text: str,
    *,
    channel: str = "directmessage",
    timestamp: int | None = None,
    secret: str = SECRET,
) -> tuple[int, str | None]:
    """Send a signed slash command; return the HTTP status and the private answer, if any."""
    key = str(len(slack_api.responses) + 1000)
    body = urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": "T0EXAMPLE1",
            "user_id": user,
            "user_name": "someone",
            "command": "/rapidreview",
            "text": text,
            "channel_id": "C0EXAMPLE",
            "channel_name": channel,
            "response_url": slack_api.response_url(key),
            "trigger_id": "1.2.3",
        }
    )
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    reply = await running.client.post(
        "/slack/events",
        content=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        },
    )
    if reply.status_code != 200:
        return reply.status_code, None
    for _ in range(200):  # the answer follows the ack
        answers = [r for r in slack_api.responses if r["key"] == key]
        if answers:
            assert answers[0]["response_type"] == "ephemeral"
            return reply.status_code, str(answers[0]["text"])
        await asyncio.sleep(0.02)
    raise AssertionError(f"no answer to /rapidreview {text}")


async def open_case(running: Running) -> str:
    reply = await running.client.post(
        "/notifications", json=notification(), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert reply.status_code == 201, reply.text
    return str(reply.json()["case_ref"])


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
    assert answer.startswith(f"{ref}: notified, information requests not yet sent")


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

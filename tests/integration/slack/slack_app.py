"""Driving the real ASGI app as Slack does: signed slash commands, button presses, modal
submissions and events, against the Slack Web API fake. All people are fictional."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.directories import load_directory
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.fakes.slack_model import Message
from tests.integration.http.harness import TOKEN, Running, notification, serving, settings_for

T = TypeVar("T")
SECRET = "fictional-signing-secret"
CHAIR = "chris.lindqvist@partnership.example.org"
OFFICER = "bo.adeyemi@partnership.example.org"
LA_SPOC = "fay.morrow@council.example.org"
POLICE_SPOC = "ira.castell@police.example.org"


@pytest.fixture
async def running(slack_api: SlackApiFake, database_url: str) -> AsyncIterator[Running]:
    async with serving(slack_settings(database_url, slack_api)) as running:
        yield running


def workspace(slack_api: SlackApiFake) -> dict[str, str]:
    """Everyone in the sample directory joins Slack but the GP practice: email -> user id."""
    return {
        p.email: slack_api.add_user(p.email)
        for p in load_directory().people
        if not p.email.endswith("@gp.example.org")
    }


async def signed(
    running: Running,
    body: str,
    content_type: str,
    *,
    timestamp: int | None = None,
    secret: str = SECRET,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    ts = str(timestamp if timestamp is not None else int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return await running.client.post(
        "/slack/events",
        content=body,
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            **(headers or {}),
        },
    )


async def command(
    running: Running,
    slack_api: SlackApiFake,
    user: str,
    text: str,
    *,
    channel: str = "directmessage",
    timestamp: int | None = None,
    secret: str = SECRET,
    trigger_id: str = "1.2.3",
    expect_answer: bool = True,
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
            "trigger_id": trigger_id,
        }
    )
    reply = await signed(
        running, body, "application/x-www-form-urlencoded", timestamp=timestamp, secret=secret
    )
    if reply.status_code != 200 or not expect_answer:
        return reply.status_code, None
    answer = await answered(running, slack_api, key)
    assert answer["response_type"] == "ephemeral"
    return reply.status_code, str(answer["text"])


async def answered(running: Running, slack_api: SlackApiFake, key: str) -> dict[str, Any]:
    """What the bot posted to the response_url `key`, once the work after the ack is done."""
    await running.settle()
    answers = await eventually(lambda: [r for r in slack_api.responses if r["key"] == key])
    assert answers, f"no answer on response_url {key}"
    return answers[-1]


async def eventually(look: Callable[[], T], within: float = 5) -> T:
    """What `look` finds once it finds something: bolt finishes a listener after its ack, so
    what the listener does (open a form, answer) lands a little after the HTTP reply."""
    deadline = time.monotonic() + within
    found = look()
    while not found and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
        found = look()
    return found


async def opened_view(slack_api: SlackApiFake, callback: str) -> dict[str, Any]:
    views = await eventually(
        lambda: [v for v in slack_api.views.values() if v["callback_id"] == callback]
    )
    assert len(views) == 1, f"{len(views)} '{callback}' forms opened"
    return views[0]


def button(
    slack_api: SlackApiFake,
    user: str,
    action: str,
    value: str,
    *,
    key: str,
    channel: str | None = None,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A block_actions payload: `user` pressed the button `action` carrying `value`; the
    answer goes to the response_url `key`."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T0EXAMPLE1"},
        "api_app_id": "A0EXAMPLE1",
        "token": "deprecated-verification-token",
        "trigger_id": slack_api.trigger(),
        "response_url": slack_api.response_url(key),
        "actions": [{"type": "button", "action_id": action, "block_id": "b", "value": value}],
    }
    if channel is not None:
        payload["channel"] = {"id": channel}
    if message is not None:
        payload["message"] = message
    return payload


def request_dm(slack_api: SlackApiFake, user: str) -> tuple[str, Message]:
    """The DM channel and the information request the bot sent `user`."""
    im = slack_api.ims[user]
    (request,) = [m for m in slack_api.messages[im].values() if m.metadata]
    return im, request


def slack_settings(database_url: str, slack_api: SlackApiFake, **more: object) -> Settings:
    """The server's settings for Slack in HTTP mode against the fake, and `more`."""
    return settings_for(
        database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=slack_api.base_url,
        **more,
    )


async def interaction(running: Running, payload: dict[str, Any]) -> httpx.Response:
    """A button press or a modal submission: form-encoded `payload=<json>`, signed."""
    body = urlencode({"payload": json.dumps(payload)})
    return await signed(running, body, "application/x-www-form-urlencoded")


def event_callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope of `event` (a fresh `event_id` unless given)."""
    return {
        "token": "deprecated-verification-token",
        "team_id": "T0EXAMPLE1",
        "api_app_id": "A0EXAMPLE1",
        "type": "event_callback",
        "event_id": event_id or f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "event": event,
    }


async def event(
    running: Running, event: dict[str, Any], *, event_id: str | None = None, retry: int = 0
) -> httpx.Response:
    """An Events API callback, signed; `retry` > 0 is Slack resending it (X-Slack-Retry-Num)."""
    body = json.dumps(event_callback(event, event_id))
    headers = (
        {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
    )
    return await signed(running, body, "application/json", headers=headers)


async def open_case(running: Running, **changes: object) -> str:
    reply = await running.client.post(
        "/notifications",
        json=notification(**changes),
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert reply.status_code == 201, reply.text
    return str(reply.json()["case_ref"])

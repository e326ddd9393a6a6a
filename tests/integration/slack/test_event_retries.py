"""Slack resends an event it thinks went unanswered, and replicas may each receive one: a
SPOC who answers in the request's thread gets one receipt, never a "Sorry: already recorded"
for their own reply. All people are fictional."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.seen_events import SeenEvents
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, SlackApiFake
from tests.fakes.slack_socket import SocketLink, serve_socket
from tests.integration.http.harness import Running, serving, settings_for
from tests.integration.slack.slack_app import (
    POLICE_SPOC,
    event,
    event_callback,
    open_case,
    request_dm,
    running,
    slack_settings,
    workspace,
)

__all__ = ["running"]  # the fixture, used by name
REPLY = "Not known to us: no police involvement with the family."
RECEIPT = "Thank you: your nil return (no involvement) for {ref} was recorded on Fri 18 Dec."


def thread_reply(slack_api: SlackApiFake, spoc: str) -> dict[str, Any]:
    """The SPOC answers in their request's thread; the message event Slack sends for it."""
    im, request = request_dm(slack_api, spoc)
    ts = slack_api.reply_in_thread(im, request.ts, spoc, REPLY)
    return {"type": "message", "channel": im, "channel_type": "im", "user": spoc,
            "text": REPLY, "ts": ts, "thread_ts": request.ts}  # fmt: skip


def bot_said(slack_api: SlackApiFake, message: dict[str, Any]) -> list[str]:
    """What the bot posted in the thread (the SPOC's own reply left out)."""
    held = slack_api.messages[message["channel"]].values()
    return [
        m.text for m in held if m.thread_ts == message["thread_ts"] and m.user != message["user"]
    ]


async def test_the_same_event_delivered_twice_and_retried_is_answered_once(
    running: Running, slack_api: SlackApiFake
) -> None:
    spoc = workspace(slack_api)[POLICE_SPOC]
    ref = await open_case(running)
    message = thread_reply(slack_api, spoc)

    first = await event(running, message, event_id="Ev0RETRY0001")
    await running.settle()
    again = await event(running, message, event_id="Ev0RETRY0001")
    retried = await event(running, message, event_id="Ev0RETRY0001", retry=1)
    await running.settle()

    assert [r.status_code for r in (first, again, retried)] == [200, 200, 200]
    assert (again.text, retried.text) == ("", "")  # 200 and nothing else
    assert bot_said(slack_api, message) == [RECEIPT.format(ref=ref)]
    assert len(slack_api.calls_to("conversations.replies")) == 1  # the thread read once


async def test_two_instances_on_one_database_handle_an_event_once(
    slack_api: SlackApiFake, database_url: str
) -> None:
    spoc = workspace(slack_api)[POLICE_SPOC]
    settings = slack_settings(database_url, slack_api)
    async with serving(settings) as one, serving(settings) as two:
        ref = await open_case(one)
        message = thread_reply(slack_api, spoc)
        replies = await asyncio.gather(
            event(one, message, event_id="Ev0TWICE0001"),
            event(two, message, event_id="Ev0TWICE0001", retry=1),
        )
        await one.settle()
        await two.settle()

    assert [r.status_code for r in replies] == [200, 200]
    assert bot_said(slack_api, message) == [RECEIPT.format(ref=ref)]


@pytest.fixture
def socket_link(slack_api: SlackApiFake) -> Iterator[SocketLink]:
    with serve_socket(SocketLink()) as link:
        slack_api.socket_url = link.url
        yield link


async def test_over_the_socket_a_retried_event_is_acked_and_not_handled_again(
    slack_api: SlackApiFake, socket_link: SocketLink, database_url: str
) -> None:
    spoc = workspace(slack_api)[POLICE_SPOC]
    settings = settings_for(
        database_url,
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=slack_api.base_url,
    )
    async with serving(settings) as running:
        ref = await open_case(running)
        message = thread_reply(slack_api, spoc)
        payload = event_callback(message, "Ev0SOCKET001")
        socket_link.push({"envelope_id": "env-1", "type": "events_api", "payload": payload,
                          "accepts_response_payload": False, "retry_attempt": 0})  # fmt: skip
        await asyncio.to_thread(socket_link.ack_for, "env-1")
        await running.settle()
        socket_link.push({"envelope_id": "env-2", "type": "events_api", "payload": payload,
                          "accepts_response_payload": False, "retry_attempt": 1,
                          "retry_reason": "timeout"})  # fmt: skip
        assert (await asyncio.to_thread(socket_link.ack_for, "env-2")) == {"envelope_id": "env-2"}
        await running.settle()

    assert bot_said(slack_api, message) == [RECEIPT.format(ref=ref)]


async def test_an_event_id_is_remembered_only_while_slack_may_still_retry(
    engine: AsyncEngine,
) -> None:
    seen = SeenEvents(engine, keep=timedelta(hours=1), purge_every=timedelta(minutes=5))
    start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

    assert await seen.first_sighting("Ev0000000001", start)
    assert not await seen.first_sighting("Ev0000000001", start + timedelta(minutes=5))
    # Two hours on, the next event sweeps the old row away; the id would be new again.
    assert await seen.first_sighting("Ev0000000002", start + timedelta(hours=2))
    assert await seen.first_sighting("Ev0000000001", start + timedelta(hours=2, minutes=1))

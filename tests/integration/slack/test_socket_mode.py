"""Socket Mode: with SLACK_APP_TOKEN set the bot dials out to Slack (no public endpoint
needed), receives slash commands and events over the socket, and acks each one there."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain.errors import InvalidInput
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, SlackApiFake
from tests.fakes.slack_socket import SocketLink, serve_socket
from tests.integration.http.harness import serving, settings_for
from tests.integration.slack.slack_app import CHAIR, answered, workspace


@pytest.fixture
def socket_link(slack_api: SlackApiFake) -> Iterator[SocketLink]:
    with serve_socket(SocketLink()) as link:
        slack_api.socket_url = link.url
        yield link


async def ack_for(link: SocketLink, envelope_id: str) -> dict[str, Any]:
    return await asyncio.to_thread(link.ack_for, envelope_id)


async def test_a_slash_command_over_the_socket_is_acked_and_answered(
    slack_api: SlackApiFake, socket_link: SocketLink, database_url: str
) -> None:
    chair = workspace(slack_api)[CHAIR]
    settings = settings_for(
        database_url,
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=slack_api.base_url,
    )
    async with serving(settings) as running:
        assert await asyncio.to_thread(socket_link.wait_connected) == 1
        assert slack_api.calls_to("apps.connections.open")[0].error is None
        socket_link.push(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "command": "/rapidreview", "text": "help", "user_id": chair,
                    "team_id": "T0EXAMPLE1", "channel_id": "C0EXAMPLE", "api_app_id": "A0EXAMPLE1",
                    "channel_name": "directmessage", "trigger_id": slack_api.trigger(),
                    "response_url": slack_api.response_url("socket"),
                },
            }
        )  # fmt: skip
        await ack_for(socket_link, "env-1")
        await running.settle()
        answer = await answered(running, slack_api, "socket")
        # Escaped for Slack, whose mrkdwn would read <command> as markup.
        assert answer["text"].startswith("Usage: /rapidreview &lt;command&gt;")

        # The HTTP endpoint is not how Slack reaches a Socket Mode bot.
        reply = await running.client.post("/slack/events", content=b"{}")
        assert reply.status_code == 404 and "Socket Mode" in reply.json()["message"]


def test_a_bot_token_given_as_the_app_token_is_refused_in_words(database_url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        settings_for(database_url, slack_bot_token=BOT_TOKEN, slack_app_token=BOT_TOKEN)
    assert "SLACK_APP_TOKEN: Value error, must be an app-level token (xapp-...)" in str(
        refused.value
    )
    assert BOT_TOKEN not in str(refused.value)  # a secret is never repeated back

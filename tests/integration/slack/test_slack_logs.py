"""What Slack's libraries log about people's words: a rejected request is one line without its
body, and the Web API client prints no message text, even when someone turns it up to DEBUG.
All people and text are fictional."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.adapters.slack.chat import SlackChat
from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import CHAIR, command, running
from tests.support.logs import debug_log

__all__ = ["running"]  # the fixture, used by name

WORDS = "Jamie Fictitious told the school about the bruises"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with debug_log() as stream:
        yield stream


async def test_a_request_with_a_bad_signature_is_logged_without_its_body(  # refused before bolt
    running: Running, slack_api: SlackApiFake, captured: io.StringIO
) -> None:
    chair = slack_api.add_user(CHAIR)
    status, _ = await command(running, slack_api, chair, WORDS, secret="not-the-secret")
    assert status == 401
    logged = captured.getvalue()
    assert "slack_request_refused" in logged and "signature does not match" in logged
    for leaked in ("Jamie", "Fictitious", "bruises", "T0EXAMPLE1", "rapidreview"):
        assert leaked not in logged


async def test_the_web_api_client_prints_no_message_text_even_set_to_debug(
    slack_api: SlackApiFake, chat: SlackChat, captured: io.StringIO
) -> None:
    slack_api.add_user("spoc.police@example.org")
    logging.getLogger("slack_sdk").setLevel(logging.DEBUG)  # someone chasing a Slack problem
    await chat.direct_message(to="spoc.police@example.org", text=WORDS)
    logged = captured.getvalue()
    assert "Sending a request" not in logged  # slack_sdk's DEBUG lines stay below its floor
    for leaked in ("Jamie", "Fictitious", "bruises", "xoxb-"):
        assert leaked not in logged

"""What Slack's libraries log about people's words: a rejected request is one line without its
body, and the Web API client prints no message text, even when someone turns it up to DEBUG.
All people and text are fictional."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.adapters.slack.chat import SlackChat
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import CHAIR, command, running, slack_settings
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


async def test_starting_with_the_token_in_the_environment_warns_of_nothing_false(
    slack_api: SlackApiFake, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Deployments set SLACK_BOT_TOKEN in the environment, and bolt reads it there itself.
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    with debug_log() as logged:
        async with serving(slack_settings(database_url, slack_api)):
            pass
        logging.getLogger("slack_bolt.AsyncApp").warning("a bolt warning that is true")
    text = logged.getvalue()
    assert "will be unused" not in text
    assert "a bolt warning that is true" in text  # only that one line is dropped
    assert "setup plugin" not in text  # alembic's seven lines at every start

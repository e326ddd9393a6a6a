"""The Slack Web API fake (one server for the session, emptied before each test) and the
Slack chat adapter pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.adapters.slack.chat import SlackChat
from bot.adapters.slack.client import make_web_client
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake, serve

FAST = FixedValueRetryIntervalCalculator(0.01)  # 5xx backoff; a 429 still waits Retry-After


@pytest.fixture(scope="session")
def slack_api_server() -> Iterator[SlackApiFake]:
    with serve(SlackApiFake()) as fake:
        yield fake


@pytest.fixture
def slack_api(slack_api_server: SlackApiFake) -> SlackApiFake:
    """The fake with an empty workspace: no users, channels, calls or queued failures."""
    slack_api_server.reset()
    return slack_api_server


@pytest.fixture
def make_chat(slack_api: SlackApiFake) -> Callable[[str], SlackChat]:
    """A SlackChat on the real client, pointed at the fake, for a given token."""

    def make(token: str = BOT_TOKEN) -> SlackChat:
        return SlackChat(make_web_client(token, slack_api.base_url, retry_interval=FAST))

    return make


@pytest.fixture
def chat(make_chat: Callable[[str], SlackChat]) -> SlackChat:
    return make_chat(BOT_TOKEN)

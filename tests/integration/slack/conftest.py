"""The Slack chat adapter pointed at the Slack Web API fake (tests/integration/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.adapters.slack.chat import SlackChat
from bot.adapters.slack.client import make_web_client
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake

FAST = FixedValueRetryIntervalCalculator(0.01)  # 5xx backoff; a 429 still waits Retry-After


@pytest.fixture
def make_chat(slack_api: SlackApiFake) -> Callable[[str], SlackChat]:
    """A SlackChat on the real client, pointed at the fake, for a given token."""

    def make(token: str = BOT_TOKEN) -> SlackChat:
        return SlackChat(make_web_client(token, slack_api.base_url, retry_interval=FAST))

    return make


@pytest.fixture
def chat(make_chat: Callable[[str], SlackChat]) -> SlackChat:
    return make_chat(BOT_TOKEN)

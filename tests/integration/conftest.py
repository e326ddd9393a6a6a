"""The Slack Web API fake, one server for the session and emptied before each test: the Slack
tests and the end-to-end tests with Outlook both drive it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.slack_api import SlackApiFake, serve


@pytest.fixture(scope="session")
def slack_api_server() -> Iterator[SlackApiFake]:
    with serve(SlackApiFake()) as fake:
        yield fake


@pytest.fixture
def slack_api(slack_api_server: SlackApiFake) -> SlackApiFake:
    """The fake with an empty workspace: no users, channels, calls or queued failures."""
    slack_api_server.reset()
    return slack_api_server

"""The bot asks Slack who it is (`auth.test`) once, when it starts: a burst of commands right
after a start does not each ask again, and a Slack that cannot answer at start does not stop
the bot from starting. All people are fictional."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import serving
from tests.integration.slack.slack_app import CHAIR, command, slack_settings, workspace

BURST = 200


async def test_a_burst_of_commands_right_after_start_asks_slack_who_the_bot_is_once(
    slack_api: SlackApiFake, database_url: str
) -> None:
    chair = workspace(slack_api)[CHAIR]
    async with serving(slack_settings(database_url, slack_api)) as running:
        replies = await asyncio.gather(
            *(command(running, slack_api, chair, "help", expect_answer=False) for _ in range(BURST))
        )
        await running.settle()

    assert [status for status, _ in replies] == [200] * BURST
    assert len(slack_api.calls_to("auth.test")) == 1


async def test_a_slack_that_cannot_answer_at_start_is_asked_again_by_the_first_command(
    slack_api: SlackApiFake, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    chair = workspace(slack_api)[CHAIR]
    slack_api.fail("auth.test", error="internal_error")
    with caplog.at_level(logging.WARNING):
        async with serving(slack_settings(database_url, slack_api)) as running:
            said = [r.getMessage() for r in caplog.records if "auth_test" in r.getMessage()]
            status, answer = await command(running, slack_api, chair, "help")

    assert len(said) == 1 and "internal_error" in said[0]
    assert "asked again on the first request" in said[0]
    assert status == 200 and answer is not None and answer.startswith("Usage: /rapidreview")
    assert [c.error for c in slack_api.calls_to("auth.test")] == ["internal_error", None]

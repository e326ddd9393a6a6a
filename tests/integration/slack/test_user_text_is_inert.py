"""What someone typed, repeated back by the bot in Slack, is plain text: a `<!channel>` does
not notify the channel, a `<https://…|click>` is not a link and `<@U…>` mentions no one.
Each path is driven from outside (a signed request, an event) and read where the fake Slack
received it. All people are fictional."""

from __future__ import annotations

import pytest

from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import (
    CHAIR,
    command,
    event,
    open_case,
    running,
    workspace,
)

__all__ = ["running"]  # the fixture, used by name
HOSTILE = "<!channel> <https://evil.example|click> & <@U123>"
INERT = "&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;"
RAW = ("<!channel>", "<https://evil.example|click>", "<@U123>", " & ")


def assert_inert(text: str, *escaped: str) -> None:
    for raw in RAW:
        assert raw not in text, f"{raw!r} reached Slack as markup: {text!r}"
    for shown in escaped:
        assert shown in text, f"{shown!r} not in {text!r}"


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        # The unknown command is quoted back.
        ("<!channel> status", "Unknown command '&lt;!channel&gt;'"),
        # A bad argument is quoted back by the parser.
        ("new LA-1 <https://evil.example|click> la", "'&lt;https://evil.example|click&gt;'"),
        # A bad case reference, on the path that answers with a form or buttons.
        ("schedule <@U123>-RR-2026-001", "'&lt;@U123&gt;-RR-2026-001' is not a case reference"),
        ("decision <!channel>-RR-2026-001", "'&lt;!channel&gt;-RR-2026-001'"),
    ],
)
async def test_a_command_quoting_what_was_typed_quotes_it_as_text(
    running: Running, slack_api: SlackApiFake, typed: str, escaped: str
) -> None:
    chair = workspace(slack_api)[CHAIR]
    status, answer = await command(running, slack_api, chair, typed)
    assert status == 200 and answer is not None
    assert_inert(answer, escaped)


async def test_a_service_refusal_quoting_an_argument_quotes_it_as_text(
    running: Running, slack_api: SlackApiFake
) -> None:
    chair = workspace(slack_api)[CHAIR]
    ref = await open_case(running)
    _, answer = await command(running, slack_api, chair, f"chase {ref} <@U123>&co")
    assert answer is not None
    assert_inert(answer, "&lt;@U123&gt;&amp;co")


async def test_someone_added_to_a_case_channel_is_named_to_the_chair_as_text(
    running: Running, slack_api: SlackApiFake
) -> None:
    workspace(slack_api)
    ref = await open_case(running)
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    # Not in the directory: the bot can only name them by the email on their Slack profile.
    stranger = slack_api.add_user(f"{HOSTILE}@example.org")
    channel.members.add(stranger)

    await event(running, {"type": "member_joined_channel", "user": stranger,
                          "channel": channel.id, "channel_type": "G"})  # fmt: skip
    await running.settle()

    (alert,) = [
        m.text for m in slack_api.messages[channel.id].values() if "was added to this" in m.text
    ]
    assert_inert(alert.split(" ", 1)[1], INERT.lower())  # after the chair's own mention

"""A new database (a restore, say) numbers its cases from the start again, in the same Slack
workspace: its first case adopts the channel the bot made for an earlier case of that
reference. Nobody from the earlier case may stay to read the new one. All people are
fictional."""

from __future__ import annotations

from tests.fakes.slack_api import BOT_USER, SlackApiFake
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import CHAIR, LA_SPOC, open_case, running, workspace

__all__ = ["running"]  # the fixture, used by name
OLD_REF = "llr-rr-2026-001"  # what a fresh database calls its first case


def earlier_channel(slack_api: SlackApiFake, people: dict[str, str]) -> tuple[str, str, str]:
    """The bot's channel from before the restore: the bot, a council SPOC who is on the new
    case too, and two people who are not. Returns (channel, outsider, second outsider)."""
    outsider = slack_api.add_user("old.member@council.example.org")
    another = slack_api.add_user("former.analyst@council.example.org")
    members = {BOT_USER, people[LA_SPOC], outsider, another}
    channel = slack_api.add_channel(OLD_REF, creator=BOT_USER, members=members, topic="old")
    return channel, outsider, another


def said_in(slack_api: SlackApiFake, channel: str) -> list[str]:
    return [m.text for m in slack_api.messages.get(channel, {}).values()]


async def test_people_not_on_the_new_case_are_removed_and_the_chair_is_told(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    channel, outsider, another = earlier_channel(slack_api, people)

    ref = await open_case(running)

    assert ref.lower() == OLD_REF
    members = slack_api.channels[channel].members
    assert outsider not in members and another not in members
    assert BOT_USER in members and people[CHAIR] in members and people[LA_SPOC] in members
    (told,) = [t for t in said_in(slack_api, channel) if "Removed:" in t]
    assert told.startswith(f"<@{people[CHAIR]}> This channel was already there when {ref}")
    assert f"Removed: <@{outsider}>, <@{another}>." in told or (
        f"Removed: <@{another}>, <@{outsider}>." in told
    )
    kicked = {c.args["user"] for c in slack_api.calls_to("conversations.kick")}
    assert kicked == {outsider, another}  # never the bot, nor anyone on the case


async def test_someone_slack_will_not_let_the_bot_remove_is_named_to_the_chair(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    channel, outsider, another = earlier_channel(slack_api, people)
    slack_api.fail("conversations.kick", times=2, error="restricted_action")

    await open_case(running)

    assert {outsider, another} <= slack_api.channels[channel].members
    (told,) = [t for t in said_in(slack_api, channel) if "remove them by hand" in t]
    assert told.startswith(f"<@{people[CHAIR]}> ")
    assert "Removed:" not in told and "(restricted_action)" in told
    assert f"<@{outsider}>" in told and f"<@{another}>" in told


async def test_a_channel_opened_new_is_not_combed_for_strangers(
    running: Running, slack_api: SlackApiFake
) -> None:
    workspace(slack_api)
    await open_case(running)
    assert slack_api.calls_to("conversations.members") == []
    assert slack_api.calls_to("conversations.kick") == []

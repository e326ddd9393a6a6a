"""The Slack fake refuses what Slack refuses, with Slack's codes (a raw client, no retries)."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import BOT_TOKEN, BOT_USER, SlackApiFake


@pytest.fixture
def raw(slack_api: SlackApiFake) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=slack_api.base_url, retry_handlers=[])


async def refusal(raw: AsyncWebClient, method: str, **params: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as refused:
        await raw.api_call(method, params=params)
    data = refused.value.response.data
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("LLR-RR-2026-014", "invalid_name_specials"),  # capitals
        ("llr rr 2026", "invalid_name_specials"),  # spaces
        ("llr.rr.2026", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("---", "invalid_name_punctuation"),
        ("", "invalid_name_required"),
    ],
)
async def test_channel_names_are_checked(raw: AsyncWebClient, name: str, code: str) -> None:
    assert (await refusal(raw, "conversations.create", name=name))["error"] == code


async def test_a_missing_argument_is_named(raw: AsyncWebClient, slack_api: SlackApiFake) -> None:
    channel = slack_api.add_channel("general", private=False)

    data = await refusal(raw, "conversations.setTopic", channel=channel)

    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: topic"]


async def test_membership_and_existence_are_checked(
    raw: AsyncWebClient, slack_api: SlackApiFake
) -> None:
    theirs = slack_api.add_channel("private-not-ours", members={"U0HUMAN001"})
    public = slack_api.add_channel("public-not-in", private=False, members={"U0HUMAN001"})
    ours = slack_api.add_channel("ours")
    uid = slack_api.add_user("member@example.org")
    await raw.conversations_invite(channel=ours, users=[uid])
    posted = await raw.chat_postMessage(channel=ours, text="hello")
    await raw.pins_add(channel=ours, timestamp=posted["ts"])

    refusals = [
        await refusal(raw, "chat.postMessage", channel="C404", text="x"),
        await refusal(raw, "chat.postMessage", channel=theirs, text="x"),
        await refusal(raw, "chat.postMessage", channel=public, text="x"),
        await refusal(raw, "chat.postMessage", channel=ours),
        await refusal(raw, "conversations.invite", channel=ours, users=uid),
        await refusal(raw, "pins.add", channel=ours, timestamp=posted["ts"]),
        await refusal(raw, "pins.add", channel=ours),
        await refusal(raw, "chat.update", channel=ours, ts="1.000001", text="x"),
        await refusal(raw, "users.lookupByEmail", email="nobody@example.org"),
        await refusal(raw, "conversations.open"),
        await refusal(raw, "conversations.archive", channel=ours),
    ]

    assert [r["error"] for r in refusals] == [
        "channel_not_found",
        "channel_not_found",  # a private channel the bot is not in does not exist for it
        "not_in_channel",
        "no_text",
        "already_in_channel",
        "already_pinned",
        "no_item_specified",
        "message_not_found",
        "users_not_found",
        "users_list_not_supplied",
        "unknown_method",
    ]


async def test_without_force_one_refused_invitee_keeps_every_one_out(
    raw: AsyncWebClient, slack_api: SlackApiFake
) -> None:
    ours = slack_api.add_channel("ours")
    new = slack_api.add_user("new@example.org")

    data = await refusal(raw, "conversations.invite", channel=ours, users=f"{new},U0MISSING1")

    assert data["errors"] == [{"user": "U0MISSING1", "ok": False, "error": "user_not_found"}]
    assert new not in slack_api.channels[ours].members


@pytest.mark.parametrize(("token", "code"), [("", "not_authed"), ("xoxb-wrong", "invalid_auth")])
async def test_the_token_is_checked(slack_api: SlackApiFake, token: str, code: str) -> None:
    client = AsyncWebClient(token=token, base_url=slack_api.base_url, retry_handlers=[])

    assert (await refusal(client, "auth.test"))["error"] == code


async def test_members_come_in_pages_and_a_kick_is_refused_as_slack_refuses_it(
    raw: AsyncWebClient, slack_api: SlackApiFake
) -> None:
    people = [slack_api.add_user(f"member{n}@example.org") for n in range(3)]
    channel = slack_api.add_channel("ours", members={BOT_USER, *people})

    first = await raw.conversations_members(channel=channel, limit=3)
    rest = await raw.conversations_members(
        channel=channel, limit=3, cursor=first["response_metadata"]["next_cursor"]
    )
    assert sorted([*first["members"], *rest["members"]]) == sorted([BOT_USER, *people])
    assert rest["response_metadata"]["next_cursor"] == ""

    assert (await raw.conversations_kick(channel=channel, user=people[0]))["ok"] is True
    assert (await refusal(raw, "conversations.kick", channel=channel, user=people[0])) == {
        "ok": False,
        "error": "not_in_channel",
    }
    refused = await refusal(raw, "conversations.kick", channel=channel, user=BOT_USER)
    assert refused["error"] == "cant_kick_self"
    refused = await refusal(raw, "conversations.members", channel=channel, limit=0)
    assert refused["error"] == "invalid_limit"

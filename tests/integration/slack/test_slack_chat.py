"""The Slack `Chat` adapter: the real AsyncWebClient against the local Slack Web API fake."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from structlog.testing import capture_logs

from bot.adapters.slack.chat import SlackChat
from bot.adapters.slack.errors import ChatUnavailable, NotInWorkspace
from bot.domain.errors import DomainError
from bot.ports import Chat
from tests.fakes.slack_api import BOT_TOKEN, BOT_USER, SlackApiFake

REF = "LLR-RR-2026-014"
TOPIC = "LLR-RR-2026-014 · Information requests · next: Returns due Fri 09 Jan"
PEOPLE = [f"practitioner{n:02d}@example.org" for n in range(1, 18)]  # 17: a typical case


def seed(fake: SlackApiFake, emails: list[str]) -> dict[str, str]:
    return {email: fake.add_user(email) for email in emails}


def test_the_adapter_is_a_chat(chat: SlackChat) -> None:
    port: Chat = chat
    assert port is chat


async def test_a_case_channel_is_private_named_by_the_reference_with_whoever_slack_knows(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    ids = seed(slack_api, PEOPLE[:15])  # the last two are not in the workspace

    channel_id = await chat.open_case_channel(case_ref=REF, members=PEOPLE, topic=TOPIC)

    channel = slack_api.channels[channel_id]
    assert (channel.name, channel.is_private, channel.topic) == ("llr-rr-2026-014", True, TOPIC)
    assert channel.members == {BOT_USER, *ids.values()}
    assert [c.name for c in slack_api.channels.values()] == ["llr-rr-2026-014"]
    opened = chat.last_open
    assert opened is not None
    assert (opened.channel_id, opened.name, opened.adopted) == (channel_id, channel.name, False)
    assert opened.invited == tuple(PEOPLE[:15])
    assert opened.not_found == tuple(PEOPLE[15:])
    assert opened.not_invited == ()


async def test_opening_a_case_for_17_people_takes_20_calls_and_3_once_they_are_known(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    seed(slack_api, PEOPLE)

    await chat.open_case_channel(case_ref=REF, members=PEOPLE, topic=TOPIC)

    assert slack_api.counts() == {
        "conversations.create": 1,
        "users.lookupByEmail": 17,
        "conversations.invite": 1,  # one batch: up to 1000 people a call
        "conversations.setTopic": 1,  # conversations.create takes no topic
    }
    assert len(slack_api.calls) == 20
    slack_api.calls.clear()

    await chat.open_case_channel(case_ref="LLR-RR-2026-015", members=PEOPLE, topic=TOPIC)

    assert len(slack_api.calls) == 3  # addresses are cached in the process


async def test_a_retried_open_adopts_the_channel_the_bot_made_instead_of_making_another(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    ids = seed(slack_api, PEOPLE[:3])
    slack_api.fail("conversations.invite", error="fatal_error")
    with pytest.raises(ChatUnavailable, match="conversations.invite: fatal_error"):
        await chat.open_case_channel(case_ref=REF, members=PEOPLE[:3], topic=TOPIC)
    slack_api.calls.clear()

    channel_id = await chat.open_case_channel(case_ref=REF, members=PEOPLE[:3], topic=TOPIC)

    assert [c.name for c in slack_api.channels.values()] == ["llr-rr-2026-014"]
    assert slack_api.channels[channel_id].members == {BOT_USER, *ids.values()}
    assert chat.last_open is not None and chat.last_open.adopted
    assert [(c.method, c.error) for c in slack_api.calls] == [
        ("conversations.create", "name_taken"),
        ("auth.test", None),  # who the bot is, to tell its channels from others'
        ("conversations.list", None),
        ("conversations.members", None),  # no one there who is not on the case: no kick
        ("conversations.invite", None),  # the addresses were cached on the first try
        ("conversations.setTopic", None),
    ]


async def test_a_name_taken_by_a_channel_the_bot_did_not_make_gets_a_suffix(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    theirs = slack_api.add_channel("llr-rr-2026-014", topic="someone else's")
    seed(slack_api, PEOPLE[:2])

    channel_id = await chat.open_case_channel(case_ref=REF, members=PEOPLE[:2], topic=TOPIC)

    assert slack_api.channels[channel_id].name == "llr-rr-2026-014-2"
    assert chat.last_open is not None
    assert (chat.last_open.name, chat.last_open.adopted) == ("llr-rr-2026-014-2", False)
    assert slack_api.channels[theirs].topic == "someone else's"  # left alone
    assert len(slack_api.channels[theirs].members) == 2


async def test_the_bots_own_channel_is_found_past_the_first_page_of_the_list(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    for n in range(1000):
        slack_api.add_channel(f"older-case-{n}", creator=BOT_USER, members={BOT_USER})
    mine = slack_api.add_channel("llr-rr-2026-014", creator=BOT_USER, members={BOT_USER})

    assert await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC) == mine
    assert len(slack_api.calls_to("conversations.list")) == 2  # 1000 a page


async def test_one_refused_invite_does_not_keep_the_others_out(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    ids = seed(slack_api, PEOPLE[:2])
    slack_api.emails["rrbot@example.org"] = BOT_USER  # Slack refuses: cant_invite_self
    members = [*PEOPLE[:2], "rrbot@example.org"]

    channel_id = await chat.open_case_channel(case_ref=REF, members=members, topic=TOPIC)

    assert slack_api.channels[channel_id].members == {BOT_USER, *ids.values()}
    assert chat.last_open is not None
    assert chat.last_open.not_invited == (("rrbot@example.org", "cant_invite_self"),)
    assert chat.last_open.invited == tuple(PEOPLE[:2])


async def test_a_second_direct_message_needs_no_lookup_and_no_conversations_open(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    uid = slack_api.add_user("spoc.police@example.org")

    first = await chat.direct_message(to="spoc.police@example.org", text="Please return by Fri")
    second = await chat.direct_message(to="SPOC.Police@example.org", text="A reminder")

    assert slack_api.counts() == {
        "users.lookupByEmail": 1,
        "conversations.open": 1,
        "chat.postMessage": 2,
    }
    dm = slack_api.ims[uid]
    assert list(slack_api.messages[dm]) == [first, second]


async def test_a_direct_message_to_someone_not_in_the_workspace_says_so(
    chat: SlackChat,
) -> None:
    with pytest.raises(NotInWorkspace, match="not in the Slack workspace") as refused:
        await chat.direct_message(to="nobody@example.org", text="hello")
    assert refused.value.email == "nobody@example.org"
    assert "nobody" not in str(refused.value)


async def test_ratelimited_waits_for_retry_after_then_succeeds(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = slack_api.add_channel("general", private=False)
    slack_api.fail("chat.postMessage", status=429, retry_after=1)

    started = time.monotonic()
    ts = await chat.post(channel=channel, text="Meeting booked")

    assert time.monotonic() - started >= 1.0
    assert [c.status for c in slack_api.calls_to("chat.postMessage")] == [429, 200]
    assert list(slack_api.messages[channel]) == [ts]


async def test_a_server_error_twice_is_retried_then_succeeds(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    slack_api.fail("conversations.create", status=500, times=2)

    channel_id = await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)

    assert [c.status for c in slack_api.calls_to("conversations.create")] == [500, 500, 200]
    assert slack_api.channels[channel_id].name == "llr-rr-2026-014"


async def test_a_server_error_that_persists_becomes_chat_unavailable_after_three_retries(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = slack_api.add_channel("general", private=False)
    slack_api.fail("chat.postMessage", status=503, times=10)

    with pytest.raises(ChatUnavailable, match=r"^Slack refused chat.postMessage: http_503$"):
        await chat.post(channel=channel, text="hello")
    assert len(slack_api.calls_to("chat.postMessage")) == 4


async def test_a_permanent_refusal_names_the_method_and_code_and_never_the_token(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    slack_api.fail("conversations.create", error="restricted_action")

    with pytest.raises(ChatUnavailable) as refused:
        await chat.open_case_channel(case_ref=REF, members=PEOPLE, topic=TOPIC)

    err = refused.value
    assert isinstance(err, DomainError)
    assert str(err) == "Slack refused conversations.create: restricted_action"
    assert (err.method, err.error, err.code) == (
        "conversations.create",
        "restricted_action",
        "chat_unavailable",
    )
    assert err.__cause__ is None  # the SlackApiError (and its request headers) stays behind
    assert BOT_TOKEN not in f"{err!s}{err!r}{err.args}"
    assert len(slack_api.calls) == 1  # nothing else was tried


@pytest.mark.parametrize(
    ("token", "code"), [("xoxb-not-a-real-token", "invalid_auth"), ("", "not_authed")]
)
async def test_a_bad_token_is_chat_unavailable(
    make_chat: Callable[[str], SlackChat], token: str, code: str
) -> None:
    chat = make_chat(token)

    with pytest.raises(ChatUnavailable, match=f"Slack refused conversations.create: {code}"):
        await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)


async def test_each_call_is_logged_by_method_and_outcome_without_addresses_or_text(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    seed(slack_api, PEOPLE[:2])

    with capture_logs() as logs:
        await chat.open_case_channel(case_ref=REF, members=PEOPLE[:3], topic=TOPIC)

    calls = [(e["method"], e["outcome"]) for e in logs if e["event"] == "slack_call"]
    assert ("users.lookupByEmail", "users_not_found") in calls
    assert ("conversations.setTopic", "ok") in calls
    assert len(calls) == len(slack_api.calls)
    assert "@example.org" not in str(logs) and "Information requests" not in str(logs)

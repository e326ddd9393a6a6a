"""The pinned case card: posted and pinned once, then edited in place, never a second card."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.adapters.slack.chat import SlackChat
from bot.adapters.slack.errors import ChatUnavailable
from bot.ports import CaseCard
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake

REF = "LLR-RR-2026-014"
TOPIC = "LLR-RR-2026-014 · Information requests · next: Returns due Fri 09 Jan"
CARD = CaseCard(
    REF, "Information requests", "Returns due: Fri 09 Jan (day 5)", ("Returns: 0 of 6",)
)


async def test_the_card_is_posted_and_pinned_once_then_edited_in_place(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)
    slack_api.calls.clear()

    await chat.update_case_card(channel=channel, card=CARD)
    await chat.update_case_card(channel=channel, card=CARD)  # unchanged: no call
    moved = CaseCard(REF, "Meeting booked", "Meeting: Tue 13 Jan (day 7)", ("Returns: 6 of 6",))
    await chat.update_case_card(channel=channel, card=moved)

    assert [c.method for c in slack_api.calls] == ["chat.postMessage", "pins.add", "chat.update"]
    ts = chat.card_ts(channel)
    assert ts is not None
    assert list(slack_api.messages[channel]) == [ts]  # one card, never a second
    assert slack_api.pins[channel] == [ts]
    blocks = slack_api.messages[channel][ts].blocks or []
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": REF}}
    assert "Meeting booked" in str(blocks[1]) and "Returns: 6 of 6" in str(blocks[2])


async def test_a_restarted_process_edits_the_pinned_card_rather_than_posting_another(
    slack_api: SlackApiFake, chat: SlackChat, make_chat: Callable[[str], SlackChat]
) -> None:
    channel = await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)
    await chat.update_case_card(channel=channel, card=CARD)
    first = chat.card_ts(channel)
    slack_api.pins[channel].insert(0, slack_api.ts())  # someone else's pin, no message held
    slack_api.calls.clear()

    restarted = make_chat(BOT_TOKEN)  # knows nothing of the card
    moved = CaseCard(REF, "Meeting booked", "Meeting: Tue 13 Jan (day 7)", ("Returns: 6 of 6",))
    await restarted.update_case_card(channel=channel, card=moved)
    await restarted.update_case_card(channel=channel, card=CARD)

    assert [c.method for c in slack_api.calls] == [
        "auth.test", "pins.list", "chat.update", "chat.update",
    ]  # fmt: skip
    assert restarted.card_ts(channel) == first
    assert list(slack_api.messages[channel]) == [first]  # still one card


async def test_a_card_deleted_by_someone_is_posted_and_pinned_again(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)
    await chat.update_case_card(channel=channel, card=CARD)
    slack_api.messages[channel].clear()
    slack_api.calls.clear()

    await chat.update_case_card(channel=channel, card=CaseCard(REF, "Decided", "Panel", ()))

    assert [(c.method, c.error) for c in slack_api.calls] == [
        ("chat.update", "message_not_found"),
        ("chat.postMessage", None),
        ("pins.add", None),
    ]


async def test_card_text_is_shown_literally_not_as_links_or_mentions(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)
    card = CaseCard(REF, "Information requests", "soon", ("Outstanding: <!channel> & co",))

    await chat.update_case_card(channel=channel, card=card)

    message = next(iter(slack_api.messages[channel].values()))
    assert "Outstanding: &lt;!channel&gt; &amp; co" in str(message.blocks)


async def test_two_first_updates_at_once_still_make_one_card(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)
    later = CaseCard(REF, "Meeting booked", "Meeting: Tue 13 Jan (day 7)", ())

    await asyncio.gather(
        chat.update_case_card(channel=channel, card=CARD),
        chat.update_case_card(channel=channel, card=later),
    )

    assert len(slack_api.messages[channel]) == 1
    assert slack_api.counts()["chat.postMessage"] == 1


async def test_a_card_whose_pin_failed_is_pinned_by_the_next_update(
    slack_api: SlackApiFake, chat: SlackChat
) -> None:
    channel = await chat.open_case_channel(case_ref=REF, members=[], topic=TOPIC)
    slack_api.fail("pins.add", error="fatal_error")
    with pytest.raises(ChatUnavailable, match="pins.add: fatal_error"):
        await chat.update_case_card(channel=channel, card=CARD)
    slack_api.calls.clear()

    await chat.update_case_card(channel=channel, card=CARD)

    assert [c.method for c in slack_api.calls] == ["pins.add"]
    assert slack_api.pins[channel] == [chat.card_ts(channel)]

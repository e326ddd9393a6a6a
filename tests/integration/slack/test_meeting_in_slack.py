"""The meeting's buttons and commands in Slack, through the real bolt app and the Slack fake:
a garbled Book button gets a clear answer and books nothing; a cancellation reason is
repeated in the case channel as plain words, never as a broadcast or a link."""

from __future__ import annotations

import pytest

from bot.adapters.memory.calendar import InMemoryCalendar
from bot.domain.stages import Stage
from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import (
    CHAIR,
    OFFICER,
    answered,
    button,
    command,
    interaction,
    open_case,
    running,
    workspace,
)

__all__ = ["running"]  # the server fixture, shared with the other Slack tests

GARBLED = "Sorry: that Book button cannot be read (its case or time is missing or garbled)"


def calendar_of(running: Running) -> InMemoryCalendar:
    calendar = running.container.ctx.calendar
    assert isinstance(calendar, InMemoryCalendar)
    return calendar


@pytest.mark.parametrize(
    "value",
    [
        "",  # nothing at all
        "LLR-RR-2026-001",  # no time
        "LLR-RR-2026-001|next Thursday",  # not a time
        "LLR-RR-2026-001|2027-01-07T09:00:00",  # no offset: which 09:00?
        "LLR-RR-2026-001|2027-01-07T09:00:00+00:00" + "9" * 100,  # cut and pasted over
        "<!channel>|2027-01-07T09:00:00+00:00",  # not a case, and not repeated
    ],
)
async def test_a_garbled_book_button_is_answered_and_books_nothing(
    running: Running, slack_api: SlackApiFake, value: str
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)

    await interaction(running, button(slack_api, people[CHAIR], "book_slot", value, key="b"))
    said = await answered(running, slack_api, "b")

    assert said["text"].startswith(GARBLED) and said["response_type"] == "ephemeral"
    assert "<!channel>" not in said["text"]
    assert calendar_of(running).events == {}
    async with running.container.ctx.uow() as uow:
        assert (await uow.cases.get(ref)).stage is Stage.REQUESTS_SENT


async def test_a_book_button_for_an_unknown_case_says_so(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    await open_case(running)
    value = "LLR-RR-2026-999|2027-01-07T09:00:00+00:00"

    await interaction(running, button(slack_api, people[CHAIR], "book_slot", value, key="b"))

    said = await answered(running, slack_api, "b")
    assert said["text"] == "Sorry: No case with reference LLR-RR-2026-999."
    assert calendar_of(running).events == {}


async def test_a_cancellation_reason_is_repeated_as_plain_words(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    services = running.container.services
    offer = await services.find_slots(case_ref=ref, actor=OFFICER)
    await services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=OFFICER)
    reason = "<!channel> the chair's unwell & <https://phish.example.org|see the new date>"

    _, answer = await command(
        running, slack_api, people[CHAIR], f"cancel {reason}", channel=ref.lower()
    )

    assert answer is not None and answer.startswith("Cancelled.")
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    posted = list(slack_api.messages[channel.id].values())[-1].text
    assert posted.startswith(
        "Rapid Review meeting cancelled: &lt;!channel&gt; the chair's unwell &amp;"
        " &lt;https://phish.example.org|see the new date&gt;."
    )
    (event,) = calendar_of(running).events.values()
    assert event.cancelled == reason  # the invitees' email is plain text: their words as said


async def test_a_cancellation_reason_too_long_to_read_is_refused_in_words(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    services = running.container.services
    offer = await services.find_slots(case_ref=ref, actor=OFFICER)
    await services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=OFFICER)

    _, answer = await command(
        running, slack_api, people[CHAIR], "cancel " + "word " * 120, channel=ref.lower()
    )

    assert answer == (
        "Sorry: The reason is 599 characters long; keep it to 500 (a sentence or two) and put"
        " the detail in the case channel."
    )
    (event,) = calendar_of(running).events.values()
    assert event.cancelled is None

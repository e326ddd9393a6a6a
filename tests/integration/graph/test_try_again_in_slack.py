"""A person's own action that Outlook cannot do just now is said to have failed, with a Try
again button; nothing promises a retry that no one will make (the outbox retries only its own
rows). The real server and bolt app, the real msgraph-sdk, the Slack and Graph fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from bot.adapters.graph.factory import graph_ports
from bot.bootstrap import Container
from bot.domain.stages import Stage
from bot.services.facade import Services
from tests.fakes.graph_api import GraphApiFake
from tests.fakes.slack_api import SlackApiFake
from tests.integration.graph.support import FAST, StaticCredential, graph_settings
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import (
    CHAIR,
    answered,
    button,
    command,
    interaction,
    open_case,
    slack_settings,
    workspace,
)

AGAIN = "Nothing will try it again by itself; try again in a minute."


@pytest.fixture
async def running(
    slack_api: SlackApiFake, graph_api: GraphApiFake, database_url: str
) -> AsyncIterator[Running]:
    """The server on Outlook, its Graph retries instant (a 429 without Retry-After, a 503)."""
    for email in workspace(slack_api):
        graph_api.add_person(email, [])
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    settings = slack_settings(
        database_url, slack_api, **{k: getattr(outlook, k) for k in outlook.model_fields_set}
    )
    made: list[Any] = []

    def fast(container: Container) -> Container:
        calendar, _ = graph_ports(outlook, credential=StaticCredential(), retry=FAST)
        made.append(calendar)
        container.ctx = replace(container.ctx, calendar=calendar)
        container.services = Services(container.ctx)
        return container

    async with serving(settings, adjust=fast) as running:
        yield running
    for calendar in made:
        await calendar.connection.aclose()


def last_blocks(slack_api: SlackApiFake, key: str | None = None) -> list[Any]:
    answers = [r for r in slack_api.responses if r.get("blocks") and key in (None, r["key"])]
    return answers[-1]["blocks"]


def try_again_button(blocks: list[Any]) -> dict[str, Any]:
    (actions,) = [b for b in blocks if b["type"] == "actions"]
    (pressed,) = actions["elements"]
    assert pressed["text"]["text"] == "Try again"
    return dict(pressed)


async def test_a_book_press_outlook_refuses_says_so_and_try_again_books_one_meeting(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    chair = slack_api.emails[CHAIR]
    await command(running, slack_api, chair, "schedule", channel=ref.lower())
    value = next(b["accessory"]["value"] for b in last_blocks(slack_api) if "accessory" in b)
    graph_api.fail("/events", status=503, retry_after=None, times=3, method="POST")

    await interaction(running, button(slack_api, chair, "book_slot", value, key="book"))
    said = (await answered(running, slack_api, "book"))["text"]

    assert said == (
        f"Sorry: The {ref} meeting was not booked: Outlook did not answer (Microsoft Graph"
        f" answered 503 (ServiceUnavailable) to booking the meeting). {AGAIN}"
    )
    assert "tried again later" not in said
    again = try_again_button(last_blocks(slack_api, "book"))
    assert (again["action_id"], again["value"]) == ("book_slot", value)
    async with running.container.ctx.uow() as uow:
        assert await uow.outbox.pending(key_prefix=f"{ref}:meeting") == []
        assert (await uow.cases.get(ref)).stage is Stage.REQUESTS_SENT
    assert graph_api.events == {}

    # Outlook is back: Try again books the meeting, once.
    await interaction(running, button(slack_api, chair, "book_slot", value, key="again"))
    assert (await answered(running, slack_api, "again"))["text"].startswith(f"Booked {ref}:")
    assert len(graph_api.events) == 1
    assert [c.status for c in graph_api.calls_to("/events", "POST")] == [503, 503, 503, 201]

    # Pressing Try again once more changes nothing: the case is booked.
    await interaction(running, button(slack_api, chair, "book_slot", value, key="twice"))
    twice = (await answered(running, slack_api, "twice"))["text"]
    assert twice.startswith(f"Sorry: {ref} is already booked for ")
    assert len(graph_api.events) == 1


async def test_a_slot_search_that_stays_throttled_says_so_and_try_again_finds_slots(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    chair = slack_api.emails[CHAIR]
    graph_api.fail("/calendar/getSchedule", status=429, retry_after=None, times=3)

    _, said = await command(running, slack_api, chair, "schedule", channel=ref.lower())

    assert said == (
        f"Sorry: No slots were found for {ref}: the diaries could not be read just now"
        " (Microsoft Graph answered 429 (TooManyRequests) to free/busy (getSchedule)). " + AGAIN
    )
    again = try_again_button(last_blocks(slack_api))
    assert (again["action_id"], again["value"]) == ("find_slots", ref)

    await interaction(running, button(slack_api, chair, "find_slots", ref, key="again"))
    offer = (await answered(running, slack_api, "again"))["text"]
    assert offer.startswith("Meeting slots, best first") and "quorate" in offer


async def test_booking_again_after_outlook_lost_its_answer_makes_no_second_invite(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    chair = slack_api.emails[CHAIR]
    await command(running, slack_api, chair, "schedule", channel=ref.lower())
    # A gateway times out after Outlook made the invite: the bot cannot know it exists.
    graph_api.fail(
        "/events", status=504, retry_after=None, times=3, method="POST", after_doing=True
    )

    _, first = await command(running, slack_api, chair, f"book {ref} 1", channel=ref.lower())
    assert first is not None
    assert first.startswith(f"Sorry: The {ref} meeting was not booked: Outlook did not answer")
    assert len(graph_api.events) == 1  # made, though nobody heard

    _, again = await command(running, slack_api, chair, f"book {ref} 1", channel=ref.lower())
    assert again == "Booked: 8 invited."
    assert len(graph_api.events) == 1  # the same transaction id: Outlook gave back that invite
    posts = graph_api.calls_to("/events", "POST")
    assert [c.status for c in posts] == [504, 504, 504, 201]
    assert len({c.body["transactionId"] for c in posts}) == 1

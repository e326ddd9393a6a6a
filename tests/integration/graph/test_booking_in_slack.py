"""Book buttons pressed in Slack, meetings made in Outlook: the real server and bolt app, the
real msgraph-sdk, the Slack and Graph fakes. Two people pressing Book at once send one
invitation between them, and Book on a case already booked is refused before any diary is
read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from bot.bootstrap import Container
from bot.domain.stages import Stage
from bot.services.facade import Services
from tests.fakes.graph_api import GraphApiFake
from tests.fakes.slack_api import SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import (
    CHAIR,
    OFFICER,
    answered,
    button,
    command,
    eventually,
    interaction,
    open_case,
    slack_settings,
    workspace,
)
from tests.support.held_calendar import HeldCalendar


@pytest.fixture
async def running(
    slack_api: SlackApiFake, graph_api: GraphApiFake, database_url: str
) -> AsyncIterator[Running]:
    """The server on Outlook, its first invitation held until the test lets it go."""
    people = workspace(slack_api)
    for email in people:
        graph_api.add_person(email, [])
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    settings = slack_settings(
        database_url, slack_api, **{k: getattr(outlook, k) for k in outlook.model_fields_set}
    )

    def held(container: Container) -> Container:
        container.ctx = replace(container.ctx, calendar=HeldCalendar(container.ctx.calendar))
        container.services = Services(container.ctx)
        return container

    async with serving(settings, adjust=held) as running:
        yield running


def held_calendar(running: Running) -> HeldCalendar:
    calendar = running.container.ctx.calendar
    assert isinstance(calendar, HeldCalendar)
    return calendar


async def book_buttons(running: Running, slack_api: SlackApiFake, ref: str) -> list[Any]:
    _, offer = await command(running, slack_api, slack_api.emails[CHAIR], "schedule", channel=ref)
    assert offer is not None and "quorate" in offer
    shown = [r for r in slack_api.responses if r.get("blocks")][-1]
    return [b["accessory"]["value"] for b in shown["blocks"] if "accessory" in b]


async def stage_of(running: Running, ref: str) -> Stage:
    async with running.container.ctx.uow() as uow:
        return (await uow.cases.get(ref)).stage


async def test_two_book_presses_at_once_send_one_invitation(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    first, second = (await book_buttons(running, slack_api, ref.lower()))[:2]
    calendar = held_calendar(running)

    chair, officer = slack_api.emails[CHAIR], slack_api.emails[OFFICER]
    await interaction(running, button(slack_api, chair, "book_slot", first, key="chair"))
    await interaction(running, button(slack_api, officer, "book_slot", second, key="officer"))
    await asyncio.wait_for(calendar.reached.wait(), 5)  # one invitation is on its way
    keys = ("chair", "officer")
    (early,) = await eventually(lambda: [r for r in slack_api.responses if r["key"] in keys])
    calendar.release.set()
    await running.settle()

    assert len(graph_api.calls_to("/events", "POST")) == 1
    (event,) = graph_api.events.values()
    assert event.cancelled is None
    answers = {r["key"]: r["text"] for r in slack_api.responses if r["key"] in keys}
    loser = early["key"]
    (winner,) = set(keys) - {loser}
    assert answers[loser].startswith(f"Sorry: Someone else is booking or changing the {ref}")
    assert answers[winner].startswith(f"Booked {ref}:")
    assert await stage_of(running, ref) is Stage.MEETING_BOOKED


async def test_book_on_a_booked_case_is_refused_before_any_diary_is_read(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    first, second = (await book_buttons(running, slack_api, ref.lower()))[:2]
    held_calendar(running).release.set()
    chair = slack_api.emails[CHAIR]
    await interaction(running, button(slack_api, chair, "book_slot", first, key="book"))
    assert (await answered(running, slack_api, "book"))["text"].startswith(f"Booked {ref}")
    diaries_read = len(graph_api.calls_to("/calendar/getSchedule"))

    await interaction(running, button(slack_api, chair, "book_slot", second, key="again"))
    again = (await answered(running, slack_api, "again"))["text"]

    assert again.startswith(f"Sorry: {ref} is already booked for ")
    assert f"/rapidreview move {ref}" in again
    assert len(graph_api.calls_to("/calendar/getSchedule")) == diaries_read
    assert len(graph_api.calls_to("/events", "POST")) == 1

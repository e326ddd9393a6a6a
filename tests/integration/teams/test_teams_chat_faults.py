"""Teams faults and hostile input, through the real Teams SDK and msgraph-sdk against the
fakes: the connector's 429 and 503 retried as it asks, then left to the outbox; Graph's
refusals said in words; user text that reaches Teams inert. All people are fictional."""

from __future__ import annotations

import pytest

from bot.adapters.graph.errors import GraphNotAuthorised, GraphUnavailable
from bot.adapters.teams.chat import TeamsChat
from bot.adapters.teams.errors import ChatUnavailable
from tests.fakes.graph_teams import GraphTeams
from tests.fakes.teams_connector import ConnectorFake
from tests.integration.teams.teams_chat_world import (
    PEOPLE,
    REF,
    SDK_NOISE,
    SEVENTEEN,
    Sleeps,
    chat,
    conn,
    connector,
    fakes,
    graph,
    served,
    sleeps,
)

__all__ = ["chat", "conn", "connector", "fakes", "graph", "served", "sleeps"]  # fixtures
pytestmark = SDK_NOISE


async def test_hostile_text_reaches_teams_inert(chat: TeamsChat, connector: ConnectorFake) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    hostile = "<at>Everyone</at> [click](https://evil.example) **loud** <b>x</b> www.evil.example"
    await chat.post(channel=chat_id, text=f"Agency said: {chat.escape(hostile)}")
    text = connector.received[0].activity["text"]
    for raw in ("<at>", "<b>", "](", "https://evil", "www.evil", "**"):
        assert raw not in text, f"{raw!r} reached Teams as markup: {text!r}"
    assert "&lt;at&gt;Everyone&lt;/at&gt;" in text
    assert "entities" not in connector.received[0].activity  # no mention rode in


async def test_429_and_503_are_retried_as_the_connector_asks(
    chat: TeamsChat, connector: ConnectorFake, sleeps: Sleeps
) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    connector.fail("/activities", status=429, retry_after=7)
    connector.fail("/activities", status=503, retry_after=None)
    await chat.post(channel=chat_id, text="Timetable")
    assert [c.status for c in connector.calls] == [429, 503, 201]
    assert sleeps.waits == [7.0, 1.0]  # Retry-After as sent, then the backoff
    assert [r.activity["text"] for r in connector.received] == ["Timetable"]  # sent once


async def test_a_connector_that_stays_busy_is_left_to_the_outbox(
    chat: TeamsChat, connector: ConnectorFake, sleeps: Sleeps
) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    connector.fail("/activities", status=503, times=3, retry_after=1)
    with pytest.raises(ChatUnavailable) as busy:
        await chat.post(channel=chat_id, text="Timetable")
    assert str(busy.value) == "Microsoft Teams refused send activity (503 ServiceUnavailable)."
    connector.fail("/activities", status=429, retry_after=120)  # too long to wait here
    with pytest.raises(ChatUnavailable):
        await chat.post(channel=chat_id, text="Timetable")
    assert sleeps.waits == [1.0, 1.0] and connector.received == []


async def test_a_member_gone_before_the_chat_is_made_is_retried_and_left_out(
    chat: TeamsChat, graph: GraphTeams
) -> None:
    gone_aad, _, gone = PEOPLE[5]
    graph.leaving.add(gone_aad)  # they leave the tenant as the chat is being made
    with pytest.raises(GraphUnavailable) as refused:
        await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    assert str(refused.value) == "Microsoft Graph refused creating the case chat (404 NotFound)."
    assert graph.chats == {}
    chat_id = await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    assert await chat.missing_members(channel=chat_id) == (gone,)
    assert len(graph.chats[chat_id].members) == 16


async def test_a_missing_install_permission_is_said_and_nothing_is_sent(
    chat: TeamsChat, graph: GraphTeams, connector: ConnectorFake
) -> None:
    graph.graph.granted.discard("TeamsAppInstallation.ReadWriteSelfForUser.All")
    with pytest.raises(GraphNotAuthorised) as refused:
        await chat.direct_message(to=SEVENTEEN[0], text="Please send your return.")
    assert str(refused.value) == (
        "Microsoft Graph refused installing the app for a person (403 Forbidden): the app"
        " registration probably lacks the application permission"
        " TeamsAppInstallation.ReadWriteSelfForUser.All (or admin consent for it)."
    )
    assert connector.calls == [] and connector.received == []

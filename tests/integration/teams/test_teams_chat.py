"""The Teams chat adapter, through the real Teams SDK and msgraph-sdk against local fakes of
the Bot Connector and Graph: what reaches Teams, and how few calls it takes.

Opening a case for 17 people costs 3 Graph calls (two lookups of up to 15 emails, one
`POST /chats` with the members and the app) and no connector call. All people are fictional.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.graph.client import GraphConnection
from bot.adapters.teams.chat import TeamsChat
from bot.adapters.teams.errors import NotInTenant
from bot.ports import Attachment, Bookmark, Button, CaseCard, RequestThread
from tests.fakes.graph_teams import CATALOGUE_APP_ID, GraphTeams
from tests.fakes.teams_connector import BOT_ID, TEAMS_TENANT, ConnectorFake
from tests.integration.teams.teams_chat_world import (
    PEOPLE,
    REF,
    SDK_NOISE,
    SEVENTEEN,
    STRANGER,
    Sleeps,
    chat,
    conn,
    connector,
    fakes,
    graph,
    graph_calls,
    served,
    sleeps,
    teams_chat,
)

__all__ = ["chat", "conn", "connector", "fakes", "graph", "served", "sleeps"]  # fixtures
pytestmark = SDK_NOISE


async def test_a_case_chat_for_17_people_takes_three_graph_calls_and_is_made_once(
    chat: TeamsChat, graph: GraphTeams, connector: ConnectorFake
) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF.lower(), members=SEVENTEEN, topic="")
    assert graph_calls(graph) == [
        ("GET", "/v1.0/users"),
        ("GET", "/v1.0/users"),
        ("POST", "/v1.0/chats"),
    ]
    assert connector.calls == []  # the chat is the connector's conversation: nothing to create
    made = graph.chats[chat_id]
    assert made.topic == REF  # the reference only, never a name
    assert sorted(made.members) == sorted(aad for aad, _, _ in PEOPLE[:17])
    assert made.apps == {CATALOGUE_APP_ID}  # installed in the same call
    (create,) = graph.graph.calls_to("/chats", "POST")
    assert create.body["chatType"] == "group" and create.body["topic"] == REF
    assert await chat.missing_members(channel=chat_id) == ()
    again = await chat.open_case_channel(case_ref=REF.lower(), members=SEVENTEEN, topic="")
    assert again == chat_id and len(graph.chats) == 1  # a retried open reuses the chat
    assert len(graph.graph.calls_to("/chats", "POST")) == 1


async def test_someone_graph_does_not_know_is_named_as_missing(
    chat: TeamsChat, graph: GraphTeams
) -> None:
    members = [*SEVENTEEN[:16], STRANGER.upper()]
    chat_id = await chat.open_case_channel(case_ref=REF, members=members, topic="")
    assert await chat.missing_members(channel=chat_id) == (STRANGER,)
    assert len(graph.chats[chat_id].members) == 16
    assert not await chat.can_message(email=STRANGER)
    assert await chat.can_message(email=SEVENTEEN[0])
    with pytest.raises(NotInTenant) as unreachable:
        await chat.direct_message(to=STRANGER, text="hello")
    assert unreachable.value.email == STRANGER and STRANGER not in str(unreachable.value)


async def test_a_request_reaches_the_spoc_as_a_card_with_its_buttons(
    chat: TeamsChat, graph: GraphTeams, connector: ConnectorFake
) -> None:
    spoc_aad, _, spoc = PEOPLE[2]
    buttons = [
        Button("Submit return", "submit_return", f"{REF}|police", primary=True),
        Button("No involvement", "no_involvement", f"{REF}|police"),
    ]
    about = RequestThread(REF, "police")
    sent = await chat.direct_message(
        to=spoc, text="Please send your return.", buttons=buttons, about=about
    )
    (install,) = graph.graph.calls_to("/teamwork/installedApps", "POST")
    assert install.path == f"/v1.0/users/{spoc_aad}/teamwork/installedApps"
    (create,) = connector.calls_to("/v3/conversations", "POST")
    assert create.body["members"] == [{"id": spoc_aad}]
    assert create.body["bot"]["id"] == BOT_ID
    assert create.body["tenantId"] == TEAMS_TENANT
    assert create.body["channelData"] == {"tenant": {"id": TEAMS_TENANT}}
    (received,) = connector.received
    assert received.activity_id == sent
    assert received.activity["text"] == "Please send your return."
    (attachment,) = received.activity["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"] == {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [],
        "actions": [
            {
                "type": "Action.Submit",
                "title": "Submit return",
                "data": {
                    "action": "submit_return",
                    "value": f"{REF}|police",
                    "case_ref": REF,
                    "agency": "police",
                },
                "style": "positive",
            },
            {
                "type": "Action.Submit",
                "title": "No involvement",
                "data": {
                    "action": "no_involvement",
                    "value": f"{REF}|police",
                    "case_ref": REF,
                    "agency": "police",
                },
            },
        ],
    }
    await chat.direct_message(to=spoc, text="A reminder.")
    assert len(graph.graph.calls_to("/teamwork/installedApps")) == 1  # once per person
    assert len(connector.calls_to("/v3/conversations", "POST")) == 1


async def test_an_app_already_installed_for_the_person_is_no_failure(
    chat: TeamsChat, graph: GraphTeams, connector: ConnectorFake
) -> None:
    aad, _, email = PEOPLE[4]
    graph.installs[aad] = {CATALOGUE_APP_ID}
    connector.installed.add(aad)
    await chat.direct_message(to=email, text="Hello.")
    (install,) = graph.graph.calls_to("/teamwork/installedApps")
    assert install.status == 409
    assert [r.activity["text"] for r in connector.received] == ["Hello."]


async def test_the_card_is_edited_in_place_even_by_another_process(
    chat: TeamsChat,
    conn: GraphConnection,
    connector: ConnectorFake,
    engine: AsyncEngine,
    sleeps: Sleeps,
) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    links = [
        Bookmark("Timetable", "https://rr.partnership.example.org/timetable/llr"),
        Bookmark("Decision record form", "https://rr.partnership.example.org/decision-record"),
    ]
    await chat.add_bookmarks(channel=chat_id, bookmarks=links)
    assert connector.calls == []  # no card yet: the links wait for it
    first = CaseCard(REF, "Information requested", "Returns due Mon 21 Dec", ("0 of 5 returns",))
    await chat.update_case_card(channel=chat_id, card=first)
    await chat.update_case_card(channel=chat_id, card=first)  # unchanged: no call
    restarted = teams_chat(conn, connector, engine, sleeps)
    second = CaseCard(REF, "Information requested", "Returns due Mon 21 Dec", ("2 of 5 returns",))
    await restarted.update_case_card(channel=chat_id, card=second)
    await restarted.set_topic(channel=chat_id, topic="Stage: decision due")  # no call
    await restarted.add_bookmarks(channel=chat_id, bookmarks=links)  # already there: no call
    assert [(r.verb, r.conversation_id) for r in connector.received] == [
        ("post", chat_id),
        ("update", chat_id),
    ]
    assert connector.received[0].activity_id == connector.received[1].activity_id
    (card,) = connector.posted(chat_id)  # still one card
    content = card["attachments"][0]["content"]
    assert content["version"] == "1.5"
    assert content["body"][0]["text"] == REF
    assert content["body"][-1]["text"] == "2 of 5 returns"
    assert content["actions"] == [
        {"type": "Action.OpenUrl", "title": b.title, "url": b.link} for b in links
    ]


async def test_a_mention_is_a_real_mention_entity(
    chat: TeamsChat, connector: ConnectorFake
) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    aad, name, email = PEOPLE[0]
    mention = await chat.mention(email=email, name=name)
    assert mention == f"<at>{name}</at>"
    assert await chat.mention(email=STRANGER, name="Pat Nobody") == "Pat Nobody"
    await chat.post(channel=chat_id, text=f"{mention} Pat Nobody: a decline breaks quorum.")
    (received,) = connector.received
    assert received.activity["entities"] == [
        {"type": "mention", "mentioned": {"id": aad, "name": name}, "text": f"<at>{name}</at>"}
    ]


async def test_a_card_someone_deleted_is_posted_again_and_card_lines_stay_inert(
    chat: TeamsChat, connector: ConnectorFake
) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF, members=SEVENTEEN, topic="")
    hostile = "[click](https://evil.example) <at>All</at>"
    card = CaseCard(REF, "Information requested", "Returns due Mon 21 Dec", (hostile,))
    await chat.update_case_card(channel=chat_id, card=card)
    (old,) = connector.conversations[chat_id].activities
    connector.conversations[chat_id].deleted.add(old)  # a member deleted the card
    moved = CaseCard(REF, "Meeting booked", "Panel on Wed 6 Jan", (hostile,))
    await chat.update_case_card(channel=chat_id, card=moved)
    assert [c.status for c in connector.calls] == [201, 404, 201]
    (shown,) = connector.posted(chat_id)
    assert shown["summary"] == f"Case {REF}: Meeting booked. Next: Panel on Wed 6 Jan"
    line = shown["attachments"][0]["content"]["body"][-1]["text"]
    assert "](" not in line and "https://evil" not in line
    assert "entities" not in shown["attachments"][0]["content"].get("msteams", {})


async def test_a_case_chat_holds_no_file_from_the_bot_and_no_call_is_made(
    chat: TeamsChat, graph: GraphTeams, connector: ConnectorFake
) -> None:
    chat_id = await chat.open_case_channel(case_ref=REF.lower(), members=SEVENTEEN, topic="")
    calls = len(graph.graph.calls)
    papers = Attachment("LLR-RR-2026-014-combined-summary-v1.docx", b"PK\x03\x04")

    posted = await chat.post_file(channel=chat_id, document=papers, text="The papers.")

    assert posted is None  # the services email the papers to the chat's members instead
    assert len(graph.graph.calls) == calls
    assert connector.calls == []

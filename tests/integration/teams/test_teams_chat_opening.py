"""Opening a case in Teams through the real services and outbox, on SQLite and PostgreSQL.

When Graph refuses to make the case chat (403: the app lacks Chat.Create), the case stays
open, the chairs are told by email what is true so far, and the outbox makes the chat once
the permission is granted: one chat, its set-up posted once. People are fictional.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date

import pytest
from microsoft_teams.api import ApiClient

from bot.adapters.clock import SimulatedClock
from bot.adapters.graph.client import GraphConnection, connect
from bot.adapters.teams.card_store import ChatMessages
from bot.adapters.teams.chat import TeamsChat
from bot.adapters.teams.sending import SendRetry
from bot.directories import load_directory
from bot.services.facade import Services
from schedules.runner import run_due
from tests.fakes.graph_api import MAILBOX
from tests.fakes.graph_teams import CATALOGUE_APP_ID, CHAT_CREATE, GraphTeams, serve_teams
from tests.fakes.teams_connector import BOT_ID, TEAMS_TENANT, BotToken, ConnectorFake
from tests.integration.graph.support import FAST, StaticCredential
from tests.integration.sql_world import SqlWorld
from tests.support.world import CHAIR, NOTIFIED, OFFICER, POLICE_DM, World, local

pytestmark = [
    pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[GraphTeams, ConnectorFake]]:
    with serve_teams() as pair:
        yield pair


@pytest.fixture
def fakes(served: tuple[GraphTeams, ConnectorFake]) -> tuple[GraphTeams, ConnectorFake]:
    graph, connector = served
    graph.graph.reset()
    connector.reset()
    graph.reset()
    for n, person in enumerate(load_directory().people, start=1):
        graph.add_person(f"5e0c7a11-0000-4000-8000-{n:012d}", person.name, person.email)
    return graph, connector


@pytest.fixture
async def conn(fakes: tuple[GraphTeams, ConnectorFake]) -> AsyncIterator[GraphConnection]:
    made = connect(
        StaticCredential(), mailbox=MAILBOX, base_url=fakes[0].graph.base_url, retry=FAST
    )
    yield made
    await made.aclose()


@pytest.fixture
async def world(
    database_url: str, conn: GraphConnection, fakes: tuple[GraphTeams, ConnectorFake]
) -> AsyncIterator[SqlWorld]:
    made = SqlWorld(database_url, SimulatedClock(local(NOTIFIED, "10:00")))
    chat = TeamsChat(
        ApiClient(fakes[1].base_url, token_provider=BotToken()),
        conn,
        app_id=CATALOGUE_APP_ID,
        bot_id=BOT_ID,
        tenant_id=TEAMS_TENANT,
        store=ChatMessages(made.engine),
        retry=SendRetry(attempts=2, backoff=0.0),
    )
    made.ctx = replace(made.ctx, chat=chat)
    made.services = Services(made.ctx)
    yield made
    await made.aclose()


async def open_case(world: SqlWorld) -> str:
    notification = World().notification()  # the story's usual notification
    opened = await world.services.open_case(notification=notification, actor=OFFICER)
    return opened.case.ref


async def channel_of(world: SqlWorld, ref: str) -> str:
    async with world.ctx.uow() as uow:
        return (await uow.cases.get(ref)).channel


async def test_a_missing_chat_permission_leaves_the_case_open_and_is_retried_by_the_outbox(
    world: SqlWorld, fakes: tuple[GraphTeams, ConnectorFake]
) -> None:
    graph, connector = fakes
    graph.graph.granted.discard(CHAT_CREATE)
    ref = await open_case(world)

    assert await channel_of(world, ref) == ""  # the case is open, without its chat
    (refused,) = graph.graph.calls_to("/chats", "POST")
    assert refused.status == 403 and graph.chats == {}
    (email,) = world.transcript.to(CHAIR, "email")
    assert email.subject == f"Rapid Review: {ref} needs attention"
    assert "lacks the application permission Chat.Create" in email.text
    assert "its channel is not open yet" in email.text
    assert "The bot keeps trying" in email.text
    assert connector.received == []

    graph.graph.granted.add(CHAT_CREATE)  # the administrator grants it
    world.clock.set(local(NOTIFIED, "10:30"))
    (ran,) = await run_due(world.services, worker="test")
    assert ran.outcome is not None and ran.outcome.value == "done"
    (chat_id,) = graph.chats
    assert await channel_of(world, ref) == chat_id
    assert graph.chats[chat_id].topic == ref
    timetable = [r for r in connector.received if "Timetable" in r.activity.get("text", "")]
    assert len(timetable) == 1 and timetable[0].conversation_id == chat_id

    world.clock.set(local(date(2026, 12, 18), "12:00"))
    assert await run_due(world.services, worker="test") == []
    assert len(graph.chats) == 1  # nothing made or sent twice
    assert len(world.transcript.to(CHAIR, "email")) == 1


async def test_someone_teams_cannot_add_is_named_to_the_chair_with_a_real_mention(
    world: SqlWorld, fakes: tuple[GraphTeams, ConnectorFake]
) -> None:
    graph, connector = fakes
    gone = next(aad for aad, user in graph.people.items() if user["mail"] == POLICE_DM)
    del graph.people[gone]  # not in the tenant: Graph finds no one by that email
    ref = await open_case(world)

    (chat_id,) = graph.chats
    assert gone not in graph.chats[chat_id].members
    assert await channel_of(world, ref) == chat_id
    posted = [r.activity for r in connector.received if r.conversation_id == chat_id]
    (notice,) = [a for a in posted if "Not in this chat" in a.get("text", "")]
    chair = next(aad for aad, user in graph.people.items() if user["mail"] == CHAIR)
    assert notice["text"].startswith("<at>Chris Lindqvist</at> Not in this chat")
    assert notice["entities"] == [
        {
            "type": "mention",
            "mentioned": {"id": chair, "name": "Chris Lindqvist"},
            "text": "<at>Chris Lindqvist</at>",
        }
    ]
    assert f"the bot emails them instead, at {POLICE_DM}" in notice["text"]
    (timetable,) = [a for a in posted if "Timetable:" in a.get("text", "")]
    assert "Timetable:<br>" in timetable["text"]  # each line its own in Teams

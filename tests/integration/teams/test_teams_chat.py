"""The Teams chat adapter, through the real Teams SDK and msgraph-sdk against local fakes of
the Bot Connector and Graph: what reaches Teams, and how few calls it takes.

Opening a case for 17 people costs 3 Graph calls (two lookups of up to 15 emails, one
`POST /chats` with the members and the app) and no connector call. All people are fictional.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.graph.client import GraphConnection, connect
from bot.adapters.graph.errors import GraphNotAuthorised, GraphUnavailable
from bot.adapters.teams.card_store import ChatMessages
from bot.adapters.teams.chat import TeamsChat
from bot.adapters.teams.errors import ChatUnavailable, NotInTenant
from bot.adapters.teams.sending import SendRetry
from bot.ports import Bookmark, Button, CaseCard, RequestThread
from tests.fakes.graph_api import MAILBOX
from tests.fakes.graph_teams import CATALOGUE_APP_ID, GraphTeams, serve_teams
from tests.fakes.teams_connector import BOT_ID, TEAMS_TENANT, BotToken, ConnectorFake
from tests.integration.graph.support import FAST, StaticCredential

pytestmark = [
    pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning"),
]
REF = "LLR-RR-2026-001"
PEOPLE = [
    (f"0f6e1d2c-0000-4000-8000-{n:012d}", f"Alex Example{n:02d}", f"alex{n:02d}@agency.example.org")
    for n in range(1, 19)
]
SEVENTEEN = [email for _, _, email in PEOPLE[:17]]
STRANGER = "nobody@elsewhere.example.org"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[GraphTeams, ConnectorFake]]:
    with serve_teams() as pair:
        yield pair


@pytest.fixture
def fakes(served: tuple[GraphTeams, ConnectorFake]) -> tuple[GraphTeams, ConnectorFake]:
    teams, connector = served
    teams.graph.reset()
    connector.reset()
    teams.reset()
    for aad, name, email in PEOPLE:
        teams.add_person(aad, name, email)
    return teams, connector


@pytest.fixture
def graph(fakes: tuple[GraphTeams, ConnectorFake]) -> GraphTeams:
    return fakes[0]


@pytest.fixture
def connector(fakes: tuple[GraphTeams, ConnectorFake]) -> ConnectorFake:
    return fakes[1]


@pytest.fixture
async def conn(graph: GraphTeams) -> AsyncIterator[GraphConnection]:
    made = connect(StaticCredential(), mailbox=MAILBOX, base_url=graph.graph.base_url, retry=FAST)
    yield made
    await made.aclose()


class Sleeps:
    """Stands in for asyncio.sleep: records each wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def teams_chat(
    conn: GraphConnection, connector: ConnectorFake, engine: AsyncEngine, sleeps: Sleeps
) -> TeamsChat:
    from microsoft_teams.api import ApiClient

    return TeamsChat(
        ApiClient(connector.base_url, token_provider=BotToken()),
        conn,
        app_id=CATALOGUE_APP_ID,
        bot_id=BOT_ID,
        tenant_id=TEAMS_TENANT,
        store=ChatMessages(engine),
        retry=SendRetry(attempts=3, backoff=0.5, max_wait=10),
        sleep=sleeps,
    )


@pytest.fixture
def chat(
    conn: GraphConnection, connector: ConnectorFake, engine: AsyncEngine, sleeps: Sleeps
) -> TeamsChat:
    return teams_chat(conn, connector, engine, sleeps)


def graph_calls(graph: GraphTeams) -> list[tuple[str, str]]:
    return [(c.method, c.path) for c in graph.graph.calls]


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

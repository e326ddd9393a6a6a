"""What the Teams chat tests share: both fakes served once per module and emptied before each
test, eighteen fictional people in the tenant, and TeamsChat built on the real Teams SDK and
msgraph-sdk pointed at the fakes, its waits recorded rather than slept."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from microsoft_teams.api import ApiClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.graph.client import GraphConnection, connect
from bot.adapters.teams.card_store import ChatMessages
from bot.adapters.teams.chat import TeamsChat
from bot.adapters.teams.sending import SendRetry
from tests.fakes.graph_api import MAILBOX
from tests.fakes.graph_teams import CATALOGUE_APP_ID, GraphTeams, serve_teams
from tests.fakes.teams_connector import BOT_ID, TEAMS_TENANT, BotToken, ConnectorFake
from tests.integration.graph.support import FAST, StaticCredential

# The SDKs' own noise: the Teams SDK builds its deprecated bot client in every ApiClient, and
# msgraph's builders warn about deprecated classes nobody uses.
SDK_NOISE = [
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

"""The Teams story's fixtures: rrbot serving Teams as it does in production (TeamsChat on the
real Teams SDK and msgraph-sdk), on local fakes of Graph (with its Teams part: people, group
chats, the app's installation) and of the Bot Connector, everyone in the sample directory in
the tenant; Teams' requests to the bot are signed by the issuer fake."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from bot.directories import load_directory
from tests.fakes.graph_api import CLIENT_ID, GraphApiFake
from tests.fakes.graph_teams import GraphTeams
from tests.fakes.teams_connector import ConnectorFake, Conversation, serve
from tests.fakes.teams_issuer import TeamsIssuerFake
from tests.integration.graph.serving import serve as serve_graph
from tests.integration.http.harness import serving, settings_for
from tests.integration.teams.inbound.harness import OUTSIDER, StartBot, Teams, aad, personal

NO_OUTLOOK = {  # diaries in memory and mail on the console: Outlook is tested apart
    "graph_tenant_id": None,
    "graph_client_id": None,
    "graph_client_secret": None,
    "graph_mailbox": None,
    "graph_authority_host": None,
}


@pytest.fixture(scope="session")
def bot_connector_server() -> Iterator[ConnectorFake]:
    with serve(ConnectorFake()) as fake:
        yield fake


@pytest.fixture(scope="session")
def graph_teams_server(bot_connector_server: ConnectorFake) -> Iterator[GraphTeams]:
    graph = GraphApiFake()
    teams = GraphTeams(graph, bot_connector_server)  # its routes, before Graph is served
    with serve_graph(graph):
        yield teams


@pytest.fixture(scope="session")
def graph_api_server(graph_teams_server: GraphTeams) -> GraphApiFake:
    """The Graph fake every Teams fixture uses is the one with Teams' part mounted."""
    return graph_teams_server.graph


@pytest.fixture
def bot_connector(
    bot_connector_server: ConnectorFake, graph_api: GraphApiFake, graph_teams_server: GraphTeams
) -> ConnectorFake:
    """The tenant's people, known to Graph and to the connector; the connector takes the
    token the login endpoint (the Graph fake's) issues the bot."""
    fake = bot_connector_server
    fake.reset()
    graph_teams_server.reset()
    fake.tokens = graph_api.tokens
    fake.bot_id = f"28:{CLIENT_ID}"  # the Graph fake's app is the bot here
    people = [(p.email, p.name) for p in load_directory().people] + [(OUTSIDER, "Alex Stray")]
    for email, name in people:  # each has a personal chat with the bot (they can write to it)
        graph_teams_server.add_person(aad(email), name, email)
        fake.conversations[personal(email)] = Conversation(personal(email), False, [aad(email)])
    return fake


@pytest.fixture
def start_teams_bot(
    database_url: str,
    teams_settings: dict[str, object],
    bot_connector: ConnectorFake,
    teams_issuer: TeamsIssuerFake,
    graph_teams_server: GraphTeams,
) -> StartBot:
    """`async with start_teams_bot(playbook=...) as teams:` rrbot with Teams, on the fakes."""

    @asynccontextmanager
    async def start(**overrides: object) -> AsyncIterator[Teams]:
        values = {
            **teams_settings,
            **NO_OUTLOOK,
            "teams_service_url": bot_connector.base_url,
            **overrides,
        }
        async with serving(settings_for(database_url, **values)) as on:
            yield Teams(on, bot_connector, teams_issuer, graph_teams_server)

    return start


@pytest.fixture
async def teams_bot(start_teams_bot: StartBot) -> AsyncIterator[Teams]:
    async with start_teams_bot() as teams:
        yield teams

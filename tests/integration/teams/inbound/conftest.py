"""The Teams inbound tests' fixtures: the Bot Connector fake with the tenant's people, and
rrbot serving Teams on the fakes (tests/integration/teams/conftest.py serves the rest)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest

from bot.adapters.console.chat import ConsoleChat
from bot.adapters.memory.calendar import InMemoryCalendar
from bot.bootstrap import Container
from bot.directories import load_directory
from bot.services.facade import Services
from tests.fakes.graph_api import GraphApiFake
from tests.fakes.teams_connector import ConnectorFake, Conversation, serve
from tests.fakes.teams_issuer import TeamsIssuerFake
from tests.integration.http.harness import serving, settings_for
from tests.integration.teams.inbound.harness import OUTSIDER, StartBot, Teams, aad, personal


@pytest.fixture(scope="session")
def bot_connector_server() -> Iterator[ConnectorFake]:
    with serve(ConnectorFake()) as fake:
        yield fake


@pytest.fixture
def bot_connector(bot_connector_server: ConnectorFake, graph_api: GraphApiFake) -> ConnectorFake:
    """The tenant's people, each in a personal chat with the bot; the bot's replies carry
    the token the login endpoint (the Graph fake's) issued it."""
    fake = bot_connector_server
    fake.reset()
    fake.tokens = graph_api.tokens
    people = [(p.email, p.name) for p in load_directory().people] + [(OUTSIDER, "Alex Stray")]
    for email, name in people:
        fake.add_person(aad(email), name, email)
        fake.conversations[personal(email)] = Conversation(personal(email), False, [aad(email)])
    return fake


class ChatsLikeTeams(ConsoleChat):
    """The console's chat, naming each case chat as Teams names a group chat; what the bot
    posts there is in the transcript (Teams' own posting is TeamsChat's, tested apart)."""

    async def open_case_channel(self, *, case_ref: str, members: Sequence[str], topic: str) -> str:
        await super().open_case_channel(case_ref=case_ref, members=members, topic=topic)
        return f"19:{case_ref.lower()}@thread.v2"


def with_teams_chats(container: Container) -> Container:
    """Case chats named as in Teams; diaries all free (Outlook is tested apart)."""
    chat = container.ctx.chat
    assert isinstance(chat, ConsoleChat)
    teams_like = ChatsLikeTeams(chat._directory, chat.transcript)
    container.ctx = replace(container.ctx, chat=teams_like, calendar=InMemoryCalendar())
    container.services = Services(container.ctx)
    return container


@pytest.fixture
def start_teams_bot(
    database_url: str,
    teams_settings: dict[str, object],
    bot_connector: ConnectorFake,
    teams_issuer: TeamsIssuerFake,
) -> StartBot:
    """`async with start_teams_bot(playbook=...) as teams:` rrbot with Teams, on the fakes."""

    @asynccontextmanager
    async def start(**overrides: object) -> AsyncIterator[Teams]:
        values = {**teams_settings, "teams_service_url": bot_connector.base_url, **overrides}
        async with serving(settings_for(database_url, **values), adjust=with_teams_chats) as on:
            yield Teams(on, bot_connector, teams_issuer)

    return start


@pytest.fixture
async def teams_bot(start_teams_bot: StartBot) -> AsyncIterator[Teams]:
    async with start_teams_bot() as teams:
        yield teams

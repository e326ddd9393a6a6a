"""The Graph fake (one server for the session, emptied before each test) and the Graph
adapters on the real msgraph-sdk pointed at it."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.adapters.graph.factory import graph_ports
from bot.config import Settings
from tests.fakes.graph_api import GraphApiFake
from tests.integration.graph.serving import serve

# msgraph's generated request builders (and kiota) call warnings.warn in class bodies, so
# importing a builder warns about deprecated classes nobody uses: the SDK's noise, not ours.
SDK_NOISE = "ignore:This class is deprecated:DeprecationWarning"
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "This class is deprecated", DeprecationWarning)
    warnings.filterwarnings("ignore", "GetQueryParameters is deprecated", DeprecationWarning)
    from bot.adapters.graph.calendar import GraphCalendar
    from bot.adapters.graph.doctor import check as _doctor  # noqa: F401 - imported quietly
    from bot.adapters.graph.mail import GraphMail
    from tests.integration.graph.support import FAST, StaticCredential, graph_settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:  # builders are imported lazily, on first use
            item.add_marker(pytest.mark.filterwarnings(SDK_NOISE))


@pytest.fixture(scope="session")
def graph_api_server() -> Iterator[GraphApiFake]:
    with serve(GraphApiFake()) as fake:
        yield fake


@pytest.fixture
def graph_api(graph_api_server: GraphApiFake) -> GraphApiFake:
    """The fake with only the partnership mailbox: no diaries, events, mail or failures."""
    graph_api_server.reset()
    return graph_api_server


@pytest.fixture
def settings(graph_api: GraphApiFake) -> Settings:
    return graph_settings(graph_api)


@pytest.fixture
def credential() -> StaticCredential:
    return StaticCredential()


@pytest.fixture
async def ports(
    settings: Settings, credential: StaticCredential
) -> AsyncIterator[tuple[GraphCalendar, GraphMail]]:
    calendar, mail = graph_ports(settings, credential=credential, retry=FAST)
    yield calendar, mail
    await calendar.connection.aclose()


@pytest.fixture
def calendar(ports: tuple[GraphCalendar, GraphMail]) -> GraphCalendar:
    return ports[0]


@pytest.fixture
def mail(ports: tuple[GraphCalendar, GraphMail]) -> GraphMail:
    return ports[1]

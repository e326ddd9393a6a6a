"""The fakes the Teams tests reach over real sockets, one server each for the session and
emptied before each test: Entra ID's token endpoint (the Graph fake's, on HTTPS with a
throwaway CA), the Bot Framework issuer, and a connector recording the replies."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from tests.fakes.graph_api import GraphApiFake
from tests.fakes.teams_issuer import TeamsIssuerFake, issuing
from tests.fakes.threaded import listening
from tests.integration.graph.serving import serve as serve_graph
from tests.integration.http.harness import Running, serving, settings_for
from tests.integration.teams.serving import ConnectorRecorder, teams_overrides

Serve = Callable[..., AbstractAsyncContextManager[Running]]
# The SDKs' own noise (msgraph's and kiota's generated builders, the Teams SDK's deprecated
# bot client and preview widgets), not ours.
SDK_NOISE = (
    "ignore:This class is deprecated:DeprecationWarning",
    "ignore:GetQueryParameters is deprecated:DeprecationWarning",
    "ignore:The bot client is deprecated:DeprecationWarning",
    "ignore:HtmlWidgetSecurityPolicy is in preview",
)


with warnings.catch_warnings():  # its import warns of a preview API nobody here uses
    warnings.filterwarnings("ignore", "HtmlWidgetSecurityPolicy is in preview")
    import microsoft_teams.apps  # noqa: F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            for noise in SDK_NOISE:
                item.add_marker(pytest.mark.filterwarnings(noise))


@pytest.fixture(scope="session")
def graph_api_server() -> Iterator[GraphApiFake]:
    with serve_graph(GraphApiFake()) as fake:
        yield fake


@pytest.fixture
def graph_api(graph_api_server: GraphApiFake) -> GraphApiFake:
    graph_api_server.reset()
    return graph_api_server


@pytest.fixture(scope="session")
def teams_issuer() -> Iterator[TeamsIssuerFake]:
    with issuing() as fake:
        yield fake


@pytest.fixture(scope="session")
def connector_server() -> Iterator[ConnectorRecorder]:
    recorder = ConnectorRecorder()
    with listening(recorder.app, name="Bot Connector recorder") as port:
        recorder.base_url = f"http://127.0.0.1:{port}"
        yield recorder


@pytest.fixture
def connector(connector_server: ConnectorRecorder) -> ConnectorRecorder:
    connector_server.replies.clear()
    connector_server.hold.set()
    return connector_server


@pytest.fixture
def teams_settings(
    graph_api: GraphApiFake, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> dict[str, object]:
    return teams_overrides(graph_api, teams_issuer, connector)


@pytest.fixture
def serve_teams(database_url: str, teams_settings: dict[str, object]) -> Serve:
    """`async with serve_teams(**overrides) as running:` rrbot with Teams, on the fakes."""

    def start(**overrides: object) -> AbstractAsyncContextManager[Running]:
        return serving(settings_for(database_url, **{**teams_settings, **overrides}))

    return start


@pytest.fixture
async def teams(serve_teams: Serve) -> AsyncIterator[Running]:
    async with serve_teams() as running:
        yield running

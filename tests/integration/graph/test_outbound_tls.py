"""Behind a TLS-inspecting proxy every outbound HTTPS client (Graph, Entra ID's token, Slack)
trusts CA_BUNDLE (or its earlier name GRAPH_CA_BUNDLE), and `rrbot doctor` says when an
untrusted certificate is what stops a connection. The fakes here serve HTTPS with a
certificate from a CA made in the test, as such a proxy's would be."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.adapters.graph.errors import GraphUnavailable
from bot.adapters.graph.factory import graph_ports
from bot.adapters.tls import outbound_ssl_context
from bot.cli import cli
from bot.domain.errors import InvalidInput
from tests.fakes.graph_api import CLIENT_ID, CLIENT_SECRET, MAILBOX, TENANT, GraphApiFake
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.fakes.threaded import listening
from tests.integration.graph.serving import throwaway_ca
from tests.integration.graph.support import FAST, StaticCredential, graph_settings

START = datetime(2026, 11, 9, 9, tzinfo=UTC)
END = datetime(2026, 11, 9, 17, tzinfo=UTC)


@pytest.fixture(scope="module")
def slack_over_tls(graph_api_server: GraphApiFake) -> Iterator[SlackApiFake]:
    """The Slack Web API fake over HTTPS, its certificate signed by the same CA as the Graph
    fake's: a TLS-inspecting proxy re-signs every host with its one CA."""
    fake = SlackApiFake()
    folder = Path(graph_api_server.ca_file).parent  # serving.py keeps the signed pair there
    tls = (folder / "server.pem", folder / "server.key")
    with listening(fake.app, name="Slack API fake (TLS)", tls=tls) as port:
        fake.base_url = f"https://127.0.0.1:{port}/api/"
        yield fake


def _graph_over_tls(graph_api: GraphApiFake) -> str:
    return f"{graph_api.authority}/v1.0"  # the same fake, on its HTTPS port


async def test_without_the_proxys_ca_a_graph_call_is_refused_saying_so(
    graph_api: GraphApiFake,
) -> None:
    settings = graph_settings(graph_api, graph_base_url=_graph_over_tls(graph_api))
    calendar, _ = graph_ports(settings, credential=StaticCredential(), retry=FAST)
    try:
        with pytest.raises(GraphUnavailable) as refused:
            await calendar.free_busy(people=[MAILBOX], start=START, end=END)
    finally:
        await calendar.connection.aclose()
    assert "could not be reached for free/busy (getSchedule): certificate not trusted (" in (
        str(refused.value)
    )
    assert "set CA_BUNDLE to its CA certificate file (PEM)" in str(refused.value)


@pytest.mark.parametrize("setting", ["ca_bundle", "graph_ca_bundle"])
async def test_with_the_proxys_ca_graph_calls_and_the_token_request_go_through(
    graph_api: GraphApiFake, setting: str
) -> None:
    settings = graph_settings(
        graph_api, graph_base_url=_graph_over_tls(graph_api), **{setting: graph_api.ca_file}
    )
    calendar, _ = graph_ports(settings, retry=FAST)  # the real ClientSecretCredential
    try:
        await calendar.free_busy(people=[MAILBOX], start=START, end=END)
    finally:
        await calendar.connection.aclose()
    assert len(graph_api.token_requests) == 1
    assert len(graph_api.calls_to("/calendar/getSchedule")) == 1


class ConnectProxy:
    """An explicit HTTPS proxy (HTTP CONNECT), as a council's often is: it records each
    tunnel it opens and pipes the bytes (a TLS-inspecting one would re-sign them too)."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        target = head.split()[1].decode()  # CONNECT host:port HTTP/1.1
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while chunk := await source.read(65536):
                sink.write(chunk)
                await sink.drain()
        sink.close()


@pytest.fixture
async def https_proxy(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ConnectProxy]:
    proxy = ConnectProxy()
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
    for name in ("NO_PROXY", "no_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield proxy
    server.close()


async def test_graph_calls_go_through_the_proxy_named_in_https_proxy(
    graph_api: GraphApiFake, https_proxy: ConnectProxy
) -> None:
    settings = graph_settings(
        graph_api, graph_base_url=_graph_over_tls(graph_api), ca_bundle=graph_api.ca_file
    )
    calendar, _ = graph_ports(settings, credential=StaticCredential(), retry=FAST)
    try:
        await calendar.free_busy(people=[MAILBOX], start=START, end=END)
    finally:
        await calendar.connection.aclose()
    assert https_proxy.tunnels == [graph_api.authority.removeprefix("https://")]
    assert len(graph_api.calls_to("/calendar/getSchedule")) == 1


def test_the_bundle_is_trusted_besides_the_public_cas_not_instead(tmp_path: Path) -> None:
    """Microsoft asks that Entra ID and Graph be exempt from TLS inspection, so a proxy may
    re-sign Slack but not them: one bundle for every client must keep the public CAs."""
    ca, _, _ = throwaway_ca(tmp_path)
    context = outbound_ssl_context({"CA_BUNDLE": ca})
    assert context is not None
    issuers = {value for cert in context.get_ca_certs() for ((name, value),) in cert["subject"]}
    assert "rrbot throwaway test CA" in issuers
    assert "ISRG Root X1" in issuers  # Let's Encrypt's root, as an example of the public ones
    assert outbound_ssl_context({}) is None  # no bundle: each library's own default


def test_a_bundle_that_is_not_a_ca_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="CA_BUNDLE: .* is not a file"):
        outbound_ssl_context({"CA_BUNDLE": tmp_path / "missing.pem"})
    notes = tmp_path / "notes.txt"
    notes.write_text("the proxy's CA is on the intranet\n")
    with pytest.raises(InvalidInput, match="GRAPH_CA_BUNDLE: .* holds no CA certificate in PEM"):
        outbound_ssl_context({"GRAPH_CA_BUNDLE": notes})


def test_doctor_says_the_certificate_is_not_trusted_and_which_setting_fixes_it(
    database_url: str,
    graph_api: GraphApiFake,
    slack_over_tls: SlackApiFake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slack = slack_over_tls
    values = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "fictional-signing-secret",
        "SLACK_API_URL": slack.base_url,
        "GRAPH_TENANT_ID": TENANT,
        "GRAPH_CLIENT_ID": CLIENT_ID,
        "GRAPH_CLIENT_SECRET": CLIENT_SECRET,
        "GRAPH_MAILBOX": MAILBOX,
        "GRAPH_BASE_URL": _graph_over_tls(graph_api),
        "GRAPH_AUTHORITY_HOST": graph_api.authority,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)

    untrusted = CliRunner().invoke(cli, ["doctor"])

    assert untrusted.exit_code == 1
    lines = untrusted.output.splitlines()
    assert any(
        line.startswith("FAIL  slack    bot token: Slack could not be reached: certificate not")
        and "set CA_BUNDLE" in line
        for line in lines
    ), untrusted.output
    assert any(
        line.startswith("FAIL  outlook  token: Microsoft Entra ID could not be reached:")
        and "certificate not trusted" in line
        and "set CA_BUNDLE" in line
        for line in lines
    ), untrusted.output
    assert slack.calls == [] and graph_api.token_requests == []

    monkeypatch.setenv("CA_BUNDLE", graph_api.ca_file)
    trusted = CliRunner().invoke(cli, ["doctor"])

    assert "certificate not trusted" not in trusted.output
    assert "ok    slack    bot token: the bot is" in trusted.output
    assert "ok    outlook  token: Entra ID issued a token" in trusted.output

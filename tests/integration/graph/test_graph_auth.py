"""Who the bot is to Graph: azure-identity's real ClientSecretCredential against the fake's
token endpoint (over TLS), the token reaching Graph's host and no other, and the GRAPH_*
settings refused early when they cannot work."""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from structlog.testing import capture_logs

from bot.adapters.graph.calendar import GraphCalendar
from bot.adapters.graph.client import authority_url, call, client_secret_credential, connect
from bot.adapters.graph.errors import GraphNotAuthorised
from bot.adapters.graph.factory import graph_ports
from bot.config import Settings
from bot.domain.errors import InvalidInput
from tests.fakes.graph_api import CLIENT_ID, MAILBOX, STATIC_TOKEN, GraphApiFake
from tests.integration.graph.support import FAST, StaticCredential, graph_settings

START = datetime(2026, 11, 9, 9, tzinfo=UTC)
END = datetime(2026, 11, 9, 17, tzinfo=UTC)
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


async def test_the_app_signs_in_with_its_secret_and_graph_gets_that_token(
    settings: Settings, graph_api: GraphApiFake
) -> None:
    credential = client_secret_credential(settings, connection_verify=graph_api.ca_file)
    calendar, _ = graph_ports(settings, credential=credential, retry=FAST)
    try:
        await calendar.free_busy(people=[MAILBOX], start=START, end=END)
        await calendar.free_busy(people=[MAILBOX], start=START, end=END)
    finally:
        await calendar.connection.aclose()
        await credential.close()

    [asked] = graph_api.token_requests  # one token, cached for the second call
    assert asked["client_id"] == CLIENT_ID
    assert asked["grant_type"] == "client_credentials"
    assert asked["scope"] == GRAPH_SCOPE
    assert "CP1" in asked["claims"]  # kiota asks for a CAE-capable token
    tokens = {c.token for c in graph_api.calls_to("/calendar/getSchedule")}
    assert len(tokens) == 1
    [token] = tokens
    assert token in graph_api.tokens and token != STATIC_TOKEN


async def test_a_refused_client_secret_is_said_plainly_and_never_logged(
    graph_api: GraphApiFake, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-secret-that-must-never-be-logged"
    settings = graph_settings(graph_api, graph_client_secret=SecretStr(wrong))
    credential = client_secret_credential(settings, connection_verify=graph_api.ca_file)
    calendar, _ = graph_ports(settings, credential=credential, retry=FAST)
    caplog.set_level(logging.DEBUG)
    try:
        with capture_logs() as logs, pytest.raises(GraphNotAuthorised) as refused:
            await calendar.free_busy(people=[MAILBOX], start=START, end=END)
    finally:
        await calendar.connection.aclose()
        await credential.close()

    assert str(refused.value) == (
        "Microsoft Entra ID refused the app's credentials (AADSTS7000215): the client secret was"
        " refused (wrong, or expired): create a new secret for the app registration and set"
        " GRAPH_CLIENT_SECRET."
    )
    assert len(graph_api.token_requests) == 1
    assert graph_api.calls == []  # Graph was never asked without a token
    assert [e["outcome"] for e in logs if e["event"] == "graph_call"] == ["token_refused"]
    assert wrong not in caplog.text and wrong not in str(logs)


async def test_the_base_urls_host_is_allowed_so_the_token_reaches_the_fake(
    calendar: GraphCalendar, credential: StaticCredential, graph_api: GraphApiFake
) -> None:
    await calendar.free_busy(people=[MAILBOX], start=START, end=END)

    [asked] = graph_api.calls_to("/calendar/getSchedule")
    assert asked.token == STATIC_TOKEN
    assert credential.scopes == [(GRAPH_SCOPE,)]


async def test_any_other_host_silently_gets_no_token(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    """kiota skips the Authorization header, without a word, for a host not in the allowed
    list: here `localhost`, the same fake under another name, as a stray nextLink might be."""
    conn = calendar.connection
    elsewhere = graph_api.base_url.replace("127.0.0.1", "localhost")
    events = conn.client.users.by_user_id(MAILBOX).events
    request = events.with_url(f"{elsewhere}/users/{MAILBOX}/events").get()

    with pytest.raises(GraphNotAuthorised, match="401 InvalidAuthenticationToken"):
        await call(conn, request, what="listing events", permission="Calendars.ReadBasic")

    assert [c.token for c in graph_api.calls] == [None]


def test_graph_over_plain_http_is_refused_unless_it_is_this_machine() -> None:
    with pytest.raises(InvalidInput, match="GRAPH_BASE_URL must be an https URL"):
        connect(StaticCredential(), mailbox=MAILBOX, base_url="http://graph.example.org/v1.0")
    with pytest.raises(InvalidInput, match="GRAPH_BASE_URL must be an https URL"):
        connect(StaticCredential(), mailbox=MAILBOX, base_url="graph.example.org")


def test_the_authority_must_be_https() -> None:
    assert authority_url("login.microsoftonline.us/") == "https://login.microsoftonline.us"
    assert authority_url("https://127.0.0.1:8443") == "https://127.0.0.1:8443"
    with pytest.raises(InvalidInput, match="GRAPH_AUTHORITY_HOST must be an https URL"):
        authority_url("http://login.example.org")


def test_missing_graph_settings_are_named() -> None:
    with pytest.raises(InvalidInput) as refused:
        graph_ports(Settings(_env_file=None))  # type: ignore[call-arg]
    assert str(refused.value) == (
        "Outlook (Microsoft Graph) needs GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, GRAPH_MAILBOX,"
        " GRAPH_TENANT_ID to be set."
    )
    with pytest.raises(InvalidInput, match=r"needs GRAPH_MAILBOX to be set\.$"):
        graph_ports(Settings(_env_file=None), credential=StaticCredential())  # type: ignore[call-arg]


def test_the_cli_and_the_graph_factory_import_no_sdk() -> None:
    """The CLI's cold start is measured: msgraph, kiota and azure load only when Graph is
    actually used."""
    probe = (
        "import sys, bot.cli, bot.surfaces, bot.bootstrap, bot.adapters.graph.factory,"
        " bot.adapters.graph.errors, bot.adapters.graph.inbound\n"
        "heavy = ('msgraph', 'msgraph_core', 'kiota_abstractions', 'kiota_http', 'azure')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == "[]"

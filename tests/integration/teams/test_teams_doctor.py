"""The Teams part of `rrbot doctor`, against the Entra ID token endpoint of the Graph fake
(HTTPS, signed by a throwaway CA that CA_BUNDLE trusts, as a TLS-inspecting proxy's would
be): each line passes, or fails saying what to do. It asks for tokens only: nothing is
created, installed or sent."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.adapters.teams.doctor import Check, check
from bot.config import Settings
from bot.doctor import diagnose
from tests.fakes.graph_api import CLIENT_ID, CLIENT_SECRET, TENANT, GraphApiFake
from tests.integration.graph.serving import serve
from tests.integration.http.harness import settings_for

CATALOGUE_ID = "5e0f7c21-0000-4000-8000-0000000a99c4"
NEEDED = {
    "Chat.Create",
    "TeamsAppInstallation.ReadWriteSelfForChat.All",
    "TeamsAppInstallation.ReadWriteSelfForUser.All",
    "User.ReadBasic.All",
}
PERMISSION_CHECKS = [
    "creating case chats (Chat.Create)",
    "installing the app in case chats (TeamsAppInstallation.ReadWriteSelfForChat.All)",
    "installing the app for a person (TeamsAppInstallation.ReadWriteSelfForUser.All)",
    "finding people by email (User.ReadBasic.All)",
]
BOT_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


@pytest.fixture(scope="module")
def entra_server() -> Iterator[GraphApiFake]:
    with serve(GraphApiFake()) as fake:
        yield fake


@pytest.fixture
def entra(entra_server: GraphApiFake) -> GraphApiFake:
    """Entra ID for the partnership's tenant, the bot's app granted what the README asks."""
    entra_server.reset()
    entra_server.granted = set(NEEDED)
    return entra_server


def teams_settings(fake: GraphApiFake, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "teams_client_id": CLIENT_ID,
        "teams_client_secret": SecretStr(CLIENT_SECRET),
        "teams_tenant_id": TENANT,
        "teams_app_id": CATALOGUE_ID,
        "teams_login_endpoint": fake.authority,
        "ca_bundle": Path(fake.ca_file),
        "public_base_url": "https://rrbot.partnership.example.org",
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


async def checks_of(settings: Settings) -> dict[str, Check]:
    return {c.name: c for c in await check(settings)}


async def test_a_good_set_up_passes_every_check_and_only_asks_for_tokens(
    entra: GraphApiFake,
) -> None:
    checks = await checks_of(teams_settings(entra))

    assert list(checks) == [
        "configuration",
        "messaging endpoint",
        "bot token",
        "graph token",
        *PERMISSION_CHECKS,
    ]
    assert all(c.ok for c in checks.values()), checks
    assert checks["configuration"].detail == (
        f"the bot {CLIENT_ID} in the tenant {TENANT} (Public cloud), the app {CATALOGUE_ID} in"
        " the catalogue"
    )
    assert checks["messaging endpoint"].detail == (
        "the Azure Bot's messaging endpoint must be"
        " https://rrbot.partnership.example.org/api/messages"
    )
    assert checks["graph token"].detail == (
        f"Entra ID issued a Microsoft Graph token ({GRAPH_SCOPE}); application permissions:"
        f" {', '.join(sorted(NEEDED))}"
    )
    assert checks["creating case chats (Chat.Create)"].detail == (
        "Chat.Create is granted (not exercised)"
    )
    assert [r["scope"] for r in entra.token_requests] == [BOT_SCOPE, GRAPH_SCOPE]
    assert {r["client_id"] for r in entra.token_requests} == {CLIENT_ID}
    assert entra.calls == []  # no Graph call at all: nothing created, installed or sent


async def test_a_refused_secret_stops_at_the_bot_token(entra: GraphApiFake) -> None:
    settings = teams_settings(entra, teams_client_secret=SecretStr("an-expired-secret"))

    checks = await checks_of(settings)

    assert list(checks) == ["configuration", "messaging endpoint", "bot token"]
    assert checks["bot token"] == Check(
        "bot token",
        False,
        "Microsoft Entra ID refused the Teams bot's credentials (AADSTS7000215): the client"
        " secret was refused (wrong, or expired): create a new secret for the bot's app"
        " registration and set TEAMS_CLIENT_SECRET.",
    )
    assert "an-expired-secret" not in repr(checks)


async def test_a_missing_permission_is_named_with_what_to_do(entra: GraphApiFake) -> None:
    entra.granted = NEEDED - {"TeamsAppInstallation.ReadWriteSelfForUser.All"}

    checks = await checks_of(teams_settings(entra))

    name = "installing the app for a person (TeamsAppInstallation.ReadWriteSelfForUser.All)"
    assert checks[name] == Check(
        name,
        False,
        "the app does not hold the application permission"
        " TeamsAppInstallation.ReadWriteSelfForUser.All: grant it to the bot's app registration"
        " (Microsoft Graph, Application permissions) and give admin consent",
    )
    assert [n for n, c in checks.items() if c.ok is not True] == [name]


async def test_a_broader_permission_serves_for_a_narrower_one(entra: GraphApiFake) -> None:
    entra.granted = (NEEDED - {"User.ReadBasic.All"}) | {"User.Read.All"}

    checks = await checks_of(teams_settings(entra))

    assert checks["finding people by email (User.ReadBasic.All)"] == Check(
        "finding people by email (User.ReadBasic.All)",
        True,
        "User.Read.All is granted (not exercised)",
    )


async def test_an_unreachable_login_endpoint_is_said_once_with_what_to_look_at(
    entra: GraphApiFake,
) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"https://127.0.0.1:{sock.getsockname()[1]}"

    checks = await checks_of(teams_settings(entra, teams_login_endpoint=closed))

    assert checks["bot token"].ok is False
    assert checks["bot token"].detail.startswith(
        "Microsoft Entra ID could not be reached for the bot's token for the Bot Connector:"
        " ServiceRequestError. This check asks once: look at the network path to Microsoft"
    )
    assert "graph token" not in checks


async def test_a_proxy_certificate_not_trusted_names_ca_bundle(entra: GraphApiFake) -> None:
    checks = await checks_of(teams_settings(entra, ca_bundle=None))

    assert checks["bot token"].ok is False
    assert "certificate not trusted" in checks["bot token"].detail
    assert "set CA_BUNDLE to its CA certificate file (PEM)" in checks["bot token"].detail


async def test_a_sovereign_cloud_asks_for_its_own_scopes(entra: GraphApiFake) -> None:
    checks = await checks_of(teams_settings(entra, teams_cloud="USGov"))

    assert all(c.ok for c in checks.values()), checks
    assert [r["scope"] for r in entra.token_requests] == [
        "https://api.botframework.us/.default",
        "https://graph.microsoft.us/.default",
    ]


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        (
            {"teams_client_secret": None, "teams_app_id": None},
            "set TEAMS_CLIENT_SECRET, TEAMS_APP_ID",
        ),
        (
            {"teams_tenant_id": "partnership.onmicrosoft.com"},
            "TEAMS_TENANT_ID must be a GUID (the Directory (tenant) ID on the app registration's"
            " Overview), not 'partnership.onmicrosoft.com'.",
        ),
        (
            {"teams_app_id": CLIENT_ID},
            "TEAMS_APP_ID is the bot's client id, which the catalogue keeps as the app's"
            " External app ID: set TEAMS_APP_ID to the App ID the Teams admin centre shows for"
            " the uploaded Rapid Review app",
        ),
        (
            {"slack_bot_token": SecretStr("xoxb-fictional")},
            "SLACK_BOT_TOKEN and TEAMS_* are both set: rrbot serves one chat surface per"
            " deployment; unset the one this partnership does not use.",
        ),
        (
            {"teams_login_endpoint": "http://login.partnership.example.org"},
            "TEAMS_LOGIN_ENDPOINT must be an https URL, not 'http://login.partnership.example.org'.",
        ),
    ],
)
async def test_settings_that_cannot_work_are_the_only_line(
    entra: GraphApiFake, overrides: dict[str, Any], detail: str
) -> None:
    assert await check(teams_settings(entra, **overrides)) == [
        Check("configuration", False, detail)
    ]
    assert entra.token_requests == []


async def test_a_messaging_endpoint_teams_cannot_call_fails(entra: GraphApiFake) -> None:
    unset = await checks_of(teams_settings(entra, public_base_url=None))
    plain = await checks_of(teams_settings(entra, public_base_url="http://rrbot.example.org"))

    assert unset["messaging endpoint"].ok is None
    assert "PUBLIC_BASE_URL is not set" in unset["messaging endpoint"].detail
    assert plain["messaging endpoint"] == Check(
        "messaging endpoint",
        False,
        "PUBLIC_BASE_URL must be an https URL (Teams calls https only): 'http://rrbot.example.org'",
    )


async def test_the_doctor_prints_teams_lines_in_place_of_slack_s(
    database_url: str, entra: GraphApiFake
) -> None:
    teams = teams_settings(entra)
    settings = settings_for(database_url, **{k: getattr(teams, k) for k in teams.model_fields_set})

    lines = [f.line() for f in await diagnose(settings) if f.area in ("slack", "teams")]

    assert lines[0] == (
        f"ok    teams    configuration: the bot {CLIENT_ID} in the tenant {TENANT} (Public"
        f" cloud), the app {CATALOGUE_ID} in the catalogue"
    )
    assert len(lines) == 4 + len(PERMISSION_CHECKS)
    assert all(line.startswith("ok    teams    ") for line in lines)


async def test_the_sample_directory_fails_beside_real_teams(
    database_url: str, entra: GraphApiFake
) -> None:
    teams = teams_settings(entra)
    settings = settings_for(
        database_url, directory=None, **{k: getattr(teams, k) for k in teams.model_fields_set}
    )

    [directory] = [f for f in await diagnose(settings) if f.name == "directory"]

    assert directory.ok is False
    assert "yet real Teams or Outlook is configured: set DIRECTORY" in directory.detail

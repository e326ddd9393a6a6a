"""The bot's own token for the Bot Connector: from the configured login endpoint (here the
Graph fake's Entra ID, on HTTPS under a throwaway CA that CA_BUNDLE names), for the cloud's
Bot Framework scope in the bot's tenant, and refusals in words that say what to fix."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.adapters.teams.cloud import cloud_environment, service_url
from bot.adapters.teams.connection import teams_connection
from bot.adapters.teams.token import (
    BotTokenProvider,
    TeamsCredentialsRefused,
    TeamsTokenUnavailable,
)
from bot.config import Settings, load_settings
from bot.domain.errors import InvalidInput
from tests.fakes.graph_api import TENANT, GraphApiFake
from tests.fakes.teams_issuer import TeamsIssuerFake
from tests.integration.teams.serving import BOT_ID, CATALOGUE_ID, ConnectorRecorder

BOT_SCOPE = "https://api.botframework.com/.default"


@pytest.fixture
def settings(teams_settings: dict[str, object], tmp_path: Path) -> Settings:
    return load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/rr.db", **teams_settings)


async def test_the_token_comes_from_the_configured_login_endpoint_for_the_bot_scope(
    settings: Settings, graph_api: GraphApiFake
) -> None:
    connection = teams_connection(settings)
    try:
        first = await connection.tokens.get_app_token(BOT_SCOPE, None)
        again = await connection.tokens.get_app_token(BOT_SCOPE, TENANT)
    finally:
        await connection.aclose()
    assert first in graph_api.tokens and again == first  # cached until near its expiry
    (grant,) = graph_api.token_requests  # at /{TEAMS_TENANT_ID}/oauth2/v2.0/token
    assert (grant["client_id"], grant["grant_type"], grant["scope"]) == (
        BOT_ID,
        "client_credentials",
        BOT_SCOPE,
    )


async def test_the_connection_is_bound_to_the_configured_connector_and_cloud(
    settings: Settings, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> None:
    connection = teams_connection(settings)
    try:
        assert connection.api.service_url == connector.base_url
        assert connection.service_url == connector.base_url
        assert connection.cloud.openid_metadata_url == teams_issuer.metadata_url
        assert connection.cloud.token_issuer == teams_issuer.issuer
        assert (connection.client_id, connection.tenant_id) == (BOT_ID, TENANT)
        assert connection.app_id == CATALOGUE_ID
    finally:
        await connection.aclose()


async def test_a_wrong_secret_is_named_without_repeating_it(
    settings: Settings, graph_api: GraphApiFake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = settings.model_copy(update={"teams_client_secret": _secret("not-the-secret")})
    connection = teams_connection(wrong)
    try:
        with pytest.raises(TeamsCredentialsRefused) as refused:
            await connection.tokens.get_app_token(BOT_SCOPE, None)
    finally:
        await connection.aclose()
    assert refused.value.message == (
        "Microsoft Entra ID refused the Teams bot's credentials (AADSTS7000215): the client"
        " secret was refused (wrong, or expired): create a new secret for the bot's app"
        " registration and set TEAMS_CLIENT_SECRET."
    )
    assert "not-the-secret" not in caplog.text and "not-the-secret" not in str(refused.value)


async def test_an_untrusted_login_endpoint_says_to_set_ca_bundle(settings: Settings) -> None:
    untrusting = settings.model_copy(update={"ca_bundle": None})
    connection = teams_connection(untrusting)
    try:
        with pytest.raises(TeamsTokenUnavailable) as unavailable:
            await connection.tokens.get_app_token(BOT_SCOPE, None)
    finally:
        await connection.aclose()
    assert "set CA_BUNDLE to its CA certificate file" in unavailable.value.message


async def test_the_credentials_give_no_token_for_anything_but_the_connector(
    settings: Settings, graph_api: GraphApiFake
) -> None:
    connection = teams_connection(settings)
    tokens: BotTokenProvider = connection.tokens
    try:
        with pytest.raises(InvalidInput, match="Bot Connector"):
            await tokens.get_app_token("https://graph.microsoft.com/.default", None)
        with pytest.raises(InvalidInput, match="single-tenant"):
            await tokens.get_app_token(BOT_SCOPE, "another-tenant")
    finally:
        await connection.aclose()
    assert graph_api.token_requests == []


def test_the_cloud_is_chosen_by_name_and_its_parts_overridden(tmp_path: Path) -> None:
    us = load_settings(teams_cloud="USGov")
    assert cloud_environment(us).bot_scope == "https://api.botframework.us/.default"
    assert service_url(us) == "https://smba.trafficmanager.net/teams"
    mine = load_settings(
        teams_login_endpoint="https://login.example.org/",
        teams_openid_metadata_url="https://keys.example.org/v1/.well-known/openidconfiguration",
        teams_token_issuer=" https://issuer.example.org ",
        teams_service_url="https://smba.example.org/emea/",
    )
    cloud = cloud_environment(mine)
    assert cloud.login_endpoint == "https://login.example.org"
    assert cloud.token_issuer == "https://issuer.example.org"
    assert cloud.bot_scope == "https://api.botframework.com/.default"  # the public cloud's
    assert service_url(mine) == "https://smba.example.org/emea"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("teams_login_endpoint", "http://login.example.org"),
        ("teams_openid_metadata_url", "keys.example.org/openidconfiguration"),
        ("teams_service_url", "ftp://smba.example.org"),
    ],
)
def test_a_cloud_url_that_is_not_https_is_refused(setting: str, value: str) -> None:
    settings = load_settings(**{setting: value})
    with pytest.raises(InvalidInput, match=f"{setting.upper()} must be an https URL"):
        _resolve(settings)


def _resolve(settings: Settings) -> None:
    cloud_environment(settings)
    service_url(settings)


def test_an_unknown_cloud_is_refused() -> None:
    with pytest.raises(InvalidInput, match="TEAMS_CLOUD: .*Public, USGov, USGovDoD, China"):
        load_settings(teams_cloud="Moon")


def _secret(value: str) -> object:
    from pydantic import SecretStr

    return SecretStr(value)

"""The bot's connection to the Bot Connector for proactive sends: the SDK's ApiClient bound
to TEAMS_SERVICE_URL, authenticated by the bot's own token provider, over an httpx client
that trusts CA_BUNDLE besides the public CAs (the SDK's own clients trust the public CAs only).
The chat adapter sends through `TeamsConnection.api`; `aclose()` releases what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from microsoft_teams.api import ApiClient, ApiClientSettings
from microsoft_teams.api.auth.cloud_environment import CloudEnvironment
from microsoft_teams.common import Client, ClientOptions

from bot.adapters.teams.cloud import cloud_environment, service_url
from bot.adapters.teams.sdk_environment import refuse_sdk_environment
from bot.adapters.teams.token import BotTokenProvider, bot_token_provider
from bot.adapters.tls import outbound_ssl_context
from bot.config import Settings
from bot.domain.errors import InvalidInput

TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass(slots=True)
class TeamsConnection:
    api: ApiClient
    cloud: CloudEnvironment
    service_url: str
    client_id: str  # the bot's Entra app id, also its Bot Framework id
    tenant_id: str
    app_id: str  # the Teams app's id in the organisation's catalogue
    tokens: BotTokenProvider
    http: httpx.AsyncClient

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.tokens.aclose()


def teams_connection(settings: Settings) -> TeamsConnection:
    """Refuses, naming what is missing or wrong, before anything is sent."""
    refuse_sdk_environment()
    client_id, tenant_id, app_id = (
        settings.teams_client_id,
        settings.teams_tenant_id,
        settings.teams_app_id,
    )
    if not (client_id and tenant_id and app_id and settings.teams_client_secret):
        raise InvalidInput(
            "TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID and TEAMS_APP_ID are needed."
        )
    cloud = cloud_environment(settings)
    trust = outbound_ssl_context(settings.ca_bundles())
    tokens = bot_token_provider(
        settings, login_endpoint=cloud.login_endpoint, scope=cloud.bot_scope, ssl_context=trust
    )
    http = httpx.AsyncClient(timeout=TIMEOUT, verify=trust or True)
    # `_http` is the SDK's way to hand its Client an httpx client of our own (with our trust).
    client = Client(ClientOptions(), _http=http)
    connector = service_url(settings)
    api = ApiClient(
        connector,
        client,
        ApiClientSettings(oauth_url=cloud.token_service_url),  # not OAUTH_URL from the env
        cloud=cloud,
        token_provider=tokens,
    )
    return TeamsConnection(
        api=api,
        cloud=cloud,
        service_url=connector,
        client_id=client_id,
        tenant_id=tenant_id,
        app_id=app_id,
        tokens=tokens,
        http=http,
    )

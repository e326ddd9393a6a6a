"""The Teams SDK's App, serving the Bot Framework messaging endpoint inside rrbot's own
starlette app (`POST /api/messages`, on the same port as Slack and the notifications).

Every request's token is validated by the SDK against the configured cloud (OpenID metadata,
signing keys, issuer) with the bot's id as audience: `dangerously_allow_unauthenticated_requests`
is passed as False, which outranks the environment variable of that name, and the App is
checked after it is built to be using rrbot's token provider rather than a secret of its own.
A valid activity is answered at once and handled after (`answer_first`), invokes excepted.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from microsoft_teams.api import ApiClientSettings, InvokeResponse, TokenCredentials
from microsoft_teams.apps import App
from microsoft_teams.apps.events import ActivityEvent
from starlette.requests import Request
from starlette.responses import Response

from bot.adapters.teams.cloud import cloud_environment, service_url
from bot.adapters.teams.sdk_environment import refuse_sdk_environment
from bot.adapters.teams.token import BotTokenProvider, bot_token_provider
from bot.adapters.tls import outbound_ssl_context
from bot.bootstrap import Container
from bot.domain.errors import InvalidInput
from handlers.slack.after_ack import AfterAck
from handlers.teams import listeners
from handlers.teams.http_adapter import StarletteRouteAdapter

MESSAGING_ENDPOINT = "/api/messages"
REPLY_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
Process = Callable[[ActivityEvent], Awaitable[InvokeResponse[Any]]]


@dataclass
class TeamsSurface:
    app: App
    adapter: StarletteRouteAdapter
    tokens: BotTokenProvider
    replaced: httpx.AsyncClient  # the SDK's own replies' client, never used
    later: AfterAck

    async def start(self) -> None:
        await self.app.initialize()  # registers the messaging route with the adapter
        # Called by the SDK only once the token is valid: nothing unauthenticated is queued.
        self.app.server.on_request = answer_first(self.app.server.on_request, self.later)

    async def settle(self) -> None:
        """Wait until the work queued after every answer has finished (tests, benchmarks)."""
        await self.later.drain()

    async def handle(self, request: Request) -> Response:
        return await self.adapter.answer(request, MESSAGING_ENDPOINT)

    async def aclose(self) -> None:
        await self.app.http_client.http.aclose()  # replies' client
        await self.app.api.http.http.aclose()  # the App's own proactive client (unused)
        await self.later.aclose()
        await self.replaced.aclose()
        await self.tokens.aclose()


def teams_surface(container: Container) -> TeamsSurface | None:
    """The App with rrbot's listeners; None without Teams settings."""
    settings = container.settings
    if settings.teams_client_id is None:
        return None
    refuse_sdk_environment()
    if not settings.teams_tenant_id:
        raise InvalidInput("TEAMS_TENANT_ID is needed: the bot is single-tenant.")
    cloud = cloud_environment(settings)
    trust = outbound_ssl_context(settings.ca_bundles())
    tokens = bot_token_provider(
        settings, login_endpoint=cloud.login_endpoint, scope=cloud.bot_scope, ssl_context=trust
    )
    adapter = StarletteRouteAdapter()
    app = App(
        client_id=settings.teams_client_id,
        tenant_id=settings.teams_tenant_id,
        token=tokens,
        cloud=cloud,
        service_url=service_url(settings),
        api_client_settings=ApiClientSettings(oauth_url=cloud.token_service_url),
        http_server_adapter=adapter,
        messaging_endpoint=MESSAGING_ENDPOINT,
        dangerously_allow_unauthenticated_requests=False,  # never, whatever the environment says
    )
    if (
        not isinstance(app.credentials, TokenCredentials)
        or app.options.dangerously_allow_unauthenticated_requests
    ):
        raise InvalidInput("The Teams SDK did not take rrbot's credentials: check CLIENT_* vars.")
    replaced = _trusting_replies(app, trust)
    listeners.register(app, container)
    return TeamsSurface(app, adapter, tokens, replaced, AfterAck())


def answer_first(process: Process | None, later: AfterAck) -> Process:
    """Teams is answered 200 as soon as an activity's token is valid, and the activity is
    handled after, a few at a time (as Slack's commands are after their ack): a burst of
    messages is not kept waiting on each other's replies. An invoke (a card's button or
    form) is the exception: its answer is the handler's own, so it is handled first."""
    if process is None:
        raise RuntimeError("The Teams SDK registered no activity handler.")
    handle: Process = process

    async def on_request(event: ActivityEvent) -> InvokeResponse[Any]:
        if event.body.type == "invoke":
            return await handle(event)

        async def job() -> None:
            await handle(event)

        later.submit(job)
        return InvokeResponse(status=200)

    return on_request


def _trusting_replies(app: App, trust: ssl.SSLContext | None) -> httpx.AsyncClient:
    """Replies go out through the App's Client, whose httpx client trusts the public CAs only
    and never times out: swap in one that trusts CA_BUNDLE too and gives up after 30 s (a
    timeout fails the turn, and Teams sends the activity again). Returns the one replaced."""
    sdk_client = app.http_client.http
    app.http_client.http = httpx.AsyncClient(
        headers=sdk_client.headers, timeout=REPLY_TIMEOUT, verify=trust or True
    )
    return sdk_client

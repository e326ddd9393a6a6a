"""The bolt app and how Slack reaches it: HTTP mode (`/slack/events`, v0 signatures checked by
bolt) or, when SLACK_APP_TOKEN is set, Socket Mode (the bot dials out to Slack over a
websocket; councils rarely expose a public HTTPS endpoint)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot.adapters.db.seen_events import SeenEvents
from bot.adapters.slack.client import make_web_client
from bot.adapters.tls import outbound_ssl_context
from bot.bootstrap import Container
from bot.logging import get_logger
from handlers.slack import commands, listeners
from handlers.slack.after_ack import AfterAck
from handlers.slack.answers import Answers
from handlers.slack.identity import BotIdentity
from handlers.slack.interactions import Interactions
from handlers.slack.people import SlackPeople
from handlers.slack.retries import once_per_event

log = get_logger(__name__)


@dataclass
class SlackSurface:
    handler: AsyncSlackRequestHandler | None  # HTTP mode
    socket: AsyncSocketModeHandler | None  # Socket Mode
    answers: Answers
    later: AfterAck
    identity: BotIdentity

    async def start(self) -> None:
        await self.identity.start()  # before any request: none of them calls auth.test
        if self.socket is not None:
            await self.socket.connect_async()  # type: ignore[no-untyped-call]  # bolt: untyped
            log.info("slack_socket_mode_connected")

    async def aclose(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        await self.later.aclose()
        await self.answers.aclose()


def slack_surface(container: Container) -> SlackSurface | None:
    """How Slack reaches the bot, and what it holds open; None without Slack settings."""
    settings = container.settings
    if settings.slack_bot_token is None:
        return None
    socket_mode = settings.slack_app_token is not None
    if not socket_mode and settings.slack_signing_secret is None:
        return None
    token = settings.slack_bot_token.get_secret_value()
    client = make_web_client(
        token,
        settings.slack_api_url,
        ssl_context=outbound_ssl_context(settings.ca_bundles()),  # Socket Mode's too
    )
    identity = BotIdentity(client, token)
    secret = settings.slack_signing_secret
    app = AsyncApp(
        # bolt's own client holds no token: each request's client gets the one `authorize`
        # returns (given both, bolt warns at every start that the client's is ignored).
        client=make_web_client(None, settings.slack_api_url),
        authorize=identity.authorize(),
        signing_secret=secret.get_secret_value() if secret else "",
        # Over the socket Slack is authenticated by the app token; there is no signature.
        request_verification_enabled=not socket_mode,
        # Answer Slack as soon as a listener acks; the work carries on after.
        process_before_response=False,
    )
    app.middleware(once_per_event(SeenEvents(container.engine), container.ctx.clock))
    answers, later, people = Answers(), AfterAck(), SlackPeople(client)
    acting = Interactions(container, client, people, answers, later)
    commands.register(app, container, people, answers, later, acting)
    listeners.register(app, acting)
    if socket_mode and settings.slack_app_token is not None:
        socket = AsyncSocketModeHandler(
            app, settings.slack_app_token.get_secret_value(), web_client=client
        )
        return SlackSurface(None, socket, answers, later, identity)
    return SlackSurface(AsyncSlackRequestHandler(app), None, answers, later, identity)

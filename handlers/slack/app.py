"""The bolt app (HTTP mode, v0 signatures checked by bolt) and its Starlette handler."""

from __future__ import annotations

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.client import make_web_client
from bot.bootstrap import Container
from handlers.slack import commands
from handlers.slack.people import SlackPeople


def slack_handler(container: Container) -> AsyncSlackRequestHandler | None:
    """The /slack/events handler, or None when Slack is not configured."""
    settings = container.settings
    if settings.slack_bot_token is None or settings.slack_signing_secret is None:
        return None
    client = make_web_client(settings.slack_bot_token.get_secret_value(), settings.slack_api_url)
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # Answer Slack as soon as a listener acks; the work carries on after.
        process_before_response=False,
    )
    people = SlackPeople(client)
    commands.register(app, container, people)
    return AsyncSlackRequestHandler(app)

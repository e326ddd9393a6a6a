"""The bolt app (HTTP mode, v0 signatures checked by bolt) and its Starlette handler."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.client import make_web_client
from bot.bootstrap import Container
from handlers.slack import commands, interactions
from handlers.slack.after_ack import AfterAck
from handlers.slack.answers import Answers
from handlers.slack.interactions import Interactions
from handlers.slack.people import SlackPeople


@dataclass
class SlackSurface:
    handler: AsyncSlackRequestHandler
    answers: Answers
    later: AfterAck

    async def aclose(self) -> None:
        await self.later.aclose()
        await self.answers.aclose()


def slack_surface(container: Container) -> SlackSurface | None:
    """The /slack/events handler and what it holds open, or None without Slack settings."""
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
    answers, later, people = Answers(), AfterAck(), SlackPeople(client)
    acting = Interactions(container, client, people, answers, later)
    commands.register(app, container, people, answers, later, acting)
    interactions.register(app, acting)
    return SlackSurface(AsyncSlackRequestHandler(app), answers, later)

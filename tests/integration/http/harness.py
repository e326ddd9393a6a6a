"""The real ASGI app on a real database, driven in-process through httpx.

`serving(settings)` runs the app's lifespan the way uvicorn does (startup, lifespan state
copied into every request's scope, shutdown) and yields a client and the container, whose
console chat's transcript shows what the bot said. Its clock is simulated (`on_the_clock`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.adapters.clock import SimulatedClock
from bot.adapters.console.chat import ConsoleChat
from bot.bootstrap import Container
from bot.config import Settings, load_settings
from bot.services.facade import Services
from bot.surfaces import build_for_serving
from handlers.http import create_app

TOKEN = "intake-test-token-0123456789"
NOTIFIED_AT = datetime(2026, 12, 18, 10, 0, tzinfo=ZoneInfo("Europe/London"))
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Lifespan:
    """The ASGI lifespan protocol, as a server speaks it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _exchange(self, kind: str) -> None:
        assert self._task is not None
        await self._to_app.put({"type": f"lifespan.{kind}"})
        answer = asyncio.ensure_future(self._from_app.get())
        done, _ = await asyncio.wait({answer, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if answer not in done:  # the app raised: show its own exception
            answer.cancel()
            self._task.result()
        message = answer.result()
        if message["type"] != f"lifespan.{kind}.complete":
            raise RuntimeError(message.get("message", message["type"]))

    async def __aenter__(self) -> Lifespan:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": self.state}

        async def run() -> None:
            await self.app(scope, self._to_app.get, self._from_app.put)

        self._task = asyncio.create_task(run())
        await self._exchange("startup")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._exchange("shutdown")
        assert self._task is not None
        await self._task

    def with_state(self) -> ASGIApp:
        """The app as requests reach it: each with a shallow copy of the lifespan state."""

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await self.app({**scope, "state": dict(self.state)}, receive, send)

        return app


@dataclass
class Running:
    client: httpx.AsyncClient
    container: Container
    state: dict[str, Any]  # what the app's lifespan holds (the Slack surface, if any)

    async def settle(self) -> None:
        """Wait until the Slack work queued after every ack has finished. bolt runs event
        listeners as tasks after its ack, so a queue that looks empty is checked again."""
        slack = self.state.get("slack")
        for _ in range(5):
            await asyncio.sleep(0.01)
            if slack is not None:
                await slack.later.drain()

    @property
    def chat(self) -> ConsoleChat:
        chat = self.container.ctx.chat
        assert isinstance(chat, ConsoleChat)
        return chat


def on_the_clock(container: Container) -> Container:
    """The server's clock stopped at 10:00 on the notification's day, so what depends on
    today (a notification dated in the future is refused) does not depend on the real date."""
    container.ctx = replace(container.ctx, clock=SimulatedClock(NOTIFIED_AT))
    container.services = Services(container.ctx)
    return container


def settings_for(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "notification_token": TOKEN,
        "directory": "sample",  # the fictional sample, chosen on purpose
        "playbook": "llr",
    }
    return load_settings(**{**values, **overrides})


@asynccontextmanager
async def serving(
    settings: Settings, *, adjust: Callable[[Container], Container] = lambda c: c
) -> AsyncIterator[Running]:
    built: list[Container] = []

    async def factory() -> Container:
        built.append(adjust(on_the_clock(await build_for_serving(settings, out=None))))
        return built[0]

    async with Lifespan(create_app(factory)) as lifespan:
        transport = httpx.ASGITransport(app=lifespan.with_state())
        async with httpx.AsyncClient(transport=transport, base_url="http://rrbot.test") as client:
            yield Running(client, built[0], lifespan.state)


def notification(**changes: object) -> dict[str, Any]:
    """A valid body; all people and details are fictional."""
    body: dict[str, Any] = {
        "external_ref": "LA-2026-0042",
        "notified_on": "2026-12-18",
        "agencies": ["la", "police", "gp"],
        "child_names": ["Jamie Fictitious"],
        "family_names": ["Testperson"],
        "dates_of_birth": ["2019-03-04"],
    }
    body.update(changes)
    return body

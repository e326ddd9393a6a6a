"""Which activities are answered before they are handled: every one but an invoke (a card's
button or form), whose answer IS the handler's (a refreshed card, or a form's problems)."""

from __future__ import annotations

import asyncio
from typing import Any

from microsoft_teams.api import InvokeResponse
from microsoft_teams.apps.events import ActivityEvent, CoreActivity

from handlers.slack.after_ack import AfterAck
from handlers.teams.app import answer_first


class Handler:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.handled: list[str] = []
        self.response: InvokeResponse[Any] = InvokeResponse(status=200, body={"card": "new"})

    async def __call__(self, event: ActivityEvent) -> InvokeResponse[Any]:
        await self.release.wait()
        self.handled.append(str(event.body.type))
        return self.response


def event(kind: str) -> ActivityEvent:
    # No token: answer_first is called by the SDK only once the token holds.
    return ActivityEvent(body=CoreActivity(type=kind), token=None)  # type: ignore[arg-type]


async def test_a_message_is_answered_at_once_and_handled_after() -> None:
    handler, later = Handler(), AfterAck()
    on_request = answer_first(handler, later)
    try:
        answer = await asyncio.wait_for(on_request(event("message")), 1)
        assert (answer.status, answer.body, handler.handled) == (200, None, [])
        handler.release.set()
        await later.drain()
        assert handler.handled == ["message"]
    finally:
        await later.aclose()


async def test_an_invoke_is_answered_by_its_handler() -> None:
    handler, later = Handler(), AfterAck()
    on_request = answer_first(handler, later)
    handler.release.set()
    try:
        answer = await on_request(event("invoke"))
    finally:
        await later.aclose()
    assert answer is handler.response
    assert handler.handled == ["invoke"]

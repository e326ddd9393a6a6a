"""The way back to Teams for one activity: answers through the SDK to the conversation (and
service URL) it came from, and who its members are.

The SDK does not retry a send the connector throttles (429) or cannot take (503); those are
tried again here, a few times, after the wait the connector asks for. The connector carries
nothing out when it answers either, so nothing is sent twice; anything else raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from microsoft_teams.api.activities.message import MessageActivityInput
from microsoft_teams.api.models import Attachment
from microsoft_teams.apps import ActivityContext

from handlers.teams.turn import Account, Card

T = TypeVar("T")
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MAX_TEXT = 12_000  # Teams refuses a message over 40 KB (UTF-16): the words keep well under


def teams_text(text: str) -> str:
    """Words as Teams shows them: bounded, each line break a `<br>` (Teams runs single line
    breaks together). User text in them was escaped, so no tag of theirs is left."""
    return text[:MAX_TEXT].replace("\r\n", "\n").replace("\n", "<br>")


ATTEMPTS = 4
RETRIED = frozenset({429, 503})
LONGEST_WAIT = 10.0  # seconds; a longer Retry-After is cut to this (the person is waiting)


def wait_asked(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", "1")), 0.0), LONGEST_WAIT)
    except ValueError:
        return 1.0


async def retried(send: Callable[[], Awaitable[T]]) -> T:
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await send()
        except httpx.HTTPStatusError as err:
            if err.response.status_code not in RETRIED or attempt == ATTEMPTS:
                raise
            await asyncio.sleep(wait_asked(err.response))
    raise AssertionError("unreachable")  # the last attempt returns or raises


class SdkBack:
    """Answers through the SDK to the conversation (and service URL) the activity came from."""

    def __init__(self, ctx: ActivityContext[Any]) -> None:
        self._ctx = ctx

    async def account(self, member_id: str) -> Account | None:
        conversation = self._ctx.activity.conversation.id
        try:
            member = await retried(
                lambda: self._ctx.api.conversations.get_member_by_id(conversation, member_id)
            )
        except httpx.HTTPStatusError as err:
            if err.response.status_code == 404:
                return None
            raise
        return Account(member.email, member.user_principal_name)

    async def say(self, text: str) -> str:
        sent = await retried(lambda: self._ctx.send(MessageActivityInput(text=teams_text(text))))
        return sent.id

    async def card(self, card: Card, text: str = "") -> str:
        words = MessageActivityInput(text=teams_text(text) or None)
        sent = await retried(lambda: self._ctx.send(_with_card(words, card)))
        return sent.id

    async def update(self, activity_id: str, *, card: Card | None = None, text: str = "") -> None:
        activity = MessageActivityInput(id=activity_id, text=teams_text(text) or None)
        answer = _with_card(activity, card) if card else activity
        await retried(lambda: self._ctx.send(answer))


def _with_card(activity: MessageActivityInput, card: Card) -> MessageActivityInput:
    return activity.add_attachments(Attachment(content_type=ADAPTIVE_CARD, content=card))

"""A `Back` that records what the Teams handlers answer, for tests without the SDK."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from handlers.teams.turn import Account, Card, Member, Turn


@dataclass
class RecordingBack:
    emails: dict[str, str]  # Teams member id -> their email, as the connector gives it
    said: list[str] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    updates: list[tuple[str, Card | None, str]] = field(default_factory=list)
    look_ups: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    async def account(self, member_id: str) -> Account | None:
        self.look_ups += 1
        email = self.emails.get(member_id)
        return Account(email, email) if email else None

    async def say(self, text: str) -> str:
        self.said.append(text)
        return f"act-{next(self._ids)}"

    async def card(self, card: Card, text: str = "") -> str:
        self.cards.append(card)
        return f"act-{next(self._ids)}"

    async def update(self, activity_id: str, *, card: Card | None = None, text: str = "") -> None:
        self.updates.append((activity_id, card, text))


def member(email: str) -> Member:
    return Member(f"29:{email}", f"aad-{email}")


def typed(email: str, text: str, *, chat: str = "personal", **more: Any) -> Turn:
    return Turn(member(email), chat, chat == "personal", text=text, **more)


def card_text(card: Card) -> str:
    """Every line of a card's text, joined: what a person reads on it."""
    return "\n".join(str(e.get("text", "")) for e in card["body"] if e.get("type") == "TextBlock")


def actions(card: Card) -> list[dict[str, Any]]:
    """Every button on a card, in its body or under it."""
    found = list(card.get("actions", []))
    for element in card["body"]:
        found += element.get("actions", [])
    return found

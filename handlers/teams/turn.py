"""One activity from Teams in our own words, and the way back to where it came from.

The handlers read a `Turn` and answer through a `Back`, so they can be exercised without the
SDK; `listeners.py` builds both from the SDK's activity and context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

Card = dict[str, Any]  # an Adaptive Card, as JSON
FILE_INFO = "application/vnd.microsoft.teams.file.download.info"
_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
TEXT_MAX_CHARS = 20_000  # more than anyone types into a chat; the services bound it further


@dataclass(frozen=True, slots=True)
class Member:
    """Someone in the conversation, as Teams names them (not yet a directory person)."""

    id: str  # the Teams user id ("29:…")
    aad_object_id: str = ""


@dataclass(frozen=True, slots=True)
class Turn:
    sender: Member
    conversation_id: str
    personal: bool  # the 1:1 chat with the bot
    text: str = ""  # with the bot's @mention taken out
    value: dict[str, Any] | None = None  # an Action.Submit's data (and the card's inputs)
    reply_to_id: str = ""  # the activity that carried the card submitted
    files: tuple[str, ...] = ()  # names of files sent with the message
    members_added: tuple[Member, ...] = field(default_factory=tuple)
    bot_id: str = ""


@dataclass(frozen=True, slots=True)
class Account:
    """What the connector says of a conversation member (GET …/members/{id})."""

    email: str | None
    user_principal_name: str | None


class Back(Protocol):
    """Answers in the conversation the activity came from, and asks it who is in it."""

    async def account(self, member_id: str) -> Account | None:
        """The member as the connector knows them; None when it does not (a 404)."""
        ...

    async def say(self, text: str) -> str: ...

    async def card(self, card: Card, text: str = "") -> str:
        """Post a card; the new activity's id."""
        ...

    async def update(self, activity_id: str, *, card: Card | None = None, text: str = "") -> None:
        """Replace an activity the bot posted (a card becomes a receipt, or keeps a form)."""
        ...


def without_mentions(text: str) -> str:
    """The words typed, without any `<at>…</at>` (the bot's name in a group chat)."""
    return " ".join(_MENTION.sub(" ", text[:TEXT_MAX_CHARS]).split())


def file_names(attachments: list[Any]) -> tuple[str, ...]:
    """The names of the files a message brings (Teams' file download info attachments)."""
    names = []
    for attachment in attachments[:20]:
        if getattr(attachment, "content_type", None) == FILE_INFO:
            names.append(str(getattr(attachment, "name", None) or "file")[:200])
    return tuple(names)

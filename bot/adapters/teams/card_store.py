"""What the Teams adapter must remember across processes: the case chat made for each case
reference, and the case card's activity id with what it shows.

Teams has nothing like Slack's pins or channel names to find them by again (listing chats is
not open to an app-only token), so they are kept in the database: a retried open reuses the
chat it made, and a restart or another replica edits the card instead of posting a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.models import ChatMessageRow

CASE_CHAT = "case_chat"
CASE_CARD = "case_card"


@dataclass(frozen=True, slots=True)
class HeldCard:
    """A case card as last sent: its activity (None until it is posted) and its content."""

    activity_id: str | None
    content: dict[str, Any]


class ChatMessages:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def case_chat(self, case_ref: str) -> str | None:
        """The chat made for `case_ref` by an earlier open, if any."""
        query = select(ChatMessageRow.channel).where(
            ChatMessageRow.purpose == CASE_CHAT, ChatMessageRow.case_ref == case_ref
        )
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).scalar_one_or_none()

    async def remember_case_chat(self, case_ref: str, chat_id: str) -> None:
        await self._upsert(chat_id, CASE_CHAT, case_ref, None, None)

    async def card(self, channel: str) -> HeldCard | None:
        query = select(ChatMessageRow.message_id, ChatMessageRow.content).where(
            ChatMessageRow.channel == channel, ChatMessageRow.purpose == CASE_CARD
        )
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else HeldCard(row.message_id, dict(row.content or {}))

    async def remember_card(
        self, channel: str, case_ref: str, activity_id: str | None, content: dict[str, Any]
    ) -> None:
        await self._upsert(channel, CASE_CARD, case_ref, activity_id, content)

    async def _upsert(
        self,
        channel: str,
        purpose: str,
        case_ref: str,
        message_id: str | None,
        content: dict[str, Any] | None,
    ) -> None:
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        values = {
            "channel": channel,
            "purpose": purpose,
            "case_ref": case_ref,
            "message_id": message_id,
            "content": content,
            "updated_at": datetime.now(UTC),
        }
        insert = dialect.insert(ChatMessageRow).values(**values)
        upsert = insert.on_conflict_do_update(
            index_elements=["channel", "purpose"],
            set_={k: insert.excluded[k] for k in ("message_id", "content", "updated_at")},
        )
        async with self._engine.begin() as connection:
            await connection.execute(upsert)

    async def case_of(self, channel: str) -> str | None:
        """The case whose chat `channel` is, if the bot made it."""
        query = select(ChatMessageRow.case_ref).where(
            ChatMessageRow.channel == channel, ChatMessageRow.purpose == CASE_CHAT
        )
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).scalar_one_or_none()

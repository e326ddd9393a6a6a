"""Which Teams activity goes where, on the SDK's `App`: messages (a command, a return, a
card submitted: Teams sends an Action.Submit as a message whose value is the card's data)
and conversation updates (the bot installed in the personal chat, people added to a chat).

The SDK activity and context become a `Turn` and a `Back` here, so the handlers behind
(handlers/teams/inbound.py) never touch the SDK."""

from __future__ import annotations

from typing import Any

import httpx
from microsoft_teams.api.activities.conversation import ConversationUpdateActivity
from microsoft_teams.api.activities.message import MessageActivity, MessageActivityInput
from microsoft_teams.api.models import Attachment
from microsoft_teams.apps import ActivityContext, App

from bot.bootstrap import Container
from handlers.teams.escape import escape
from handlers.teams.inbound import TeamsInbound
from handlers.teams.people import TeamsPeople
from handlers.teams.turn import Account, Card, Member, Turn, file_names, without_mentions

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MAX_TEXT = 12_000  # Teams refuses a message over 40 KB (UTF-16): the words keep well under


def teams_text(text: str) -> str:
    """Words as Teams shows them: bounded, each line break a `<br>` (Teams runs single line
    breaks together). User text in them was escaped, so no tag of theirs is left."""
    return text[:MAX_TEXT].replace("\r\n", "\n").replace("\n", "<br>")


def register(app: App, container: Container) -> None:
    inbound = TeamsInbound(container.services, TeamsPeople(container.ctx.directory), escape)

    @app.on_message
    async def message(ctx: ActivityContext[MessageActivity]) -> None:
        await inbound.message(message_turn(ctx.activity), SdkBack(ctx))

    @app.on_conversation_update
    async def conversation_update(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        activity = ctx.activity
        if activity.members_added:
            added = tuple(_member(m) for m in activity.members_added)
            turn = Turn(
                sender=_member(activity.from_),
                conversation_id=activity.conversation.id,
                personal=_personal(activity),
                members_added=added,
                bot_id=activity.recipient.id,
            )
            await inbound.members_added(turn, SdkBack(ctx))


def message_turn(activity: MessageActivity) -> Turn:
    value = activity.value if isinstance(activity.value, dict) else None
    return Turn(
        sender=_member(activity.from_),
        conversation_id=activity.conversation.id,
        personal=_personal(activity),
        text=without_mentions(activity.text or ""),
        value=value,
        reply_to_id=activity.reply_to_id or "",
        files=file_names(list(activity.attachments or [])),
        bot_id=activity.recipient.id,
    )


def _personal(activity: Any) -> bool:
    return getattr(activity.conversation, "conversation_type", None) == "personal"


def _member(account: Any) -> Member:
    return Member(str(account.id), str(getattr(account, "aad_object_id", None) or ""))


class SdkBack:
    """Answers through the SDK to the conversation (and service URL) the activity came from."""

    def __init__(self, ctx: ActivityContext[Any]) -> None:
        self._ctx = ctx

    async def account(self, member_id: str) -> Account | None:
        conversation = self._ctx.activity.conversation.id
        try:
            member = await self._ctx.api.conversations.get_member_by_id(conversation, member_id)
        except httpx.HTTPStatusError as err:
            if err.response.status_code == 404:
                return None
            raise
        return Account(member.email, member.user_principal_name)

    async def say(self, text: str) -> str:
        sent = await self._ctx.send(MessageActivityInput(text=teams_text(text)))
        return sent.id

    async def card(self, card: Card, text: str = "") -> str:
        words = MessageActivityInput(text=teams_text(text) or None)
        sent = await self._ctx.send(_with_card(words, card))
        return sent.id

    async def update(self, activity_id: str, *, card: Card | None = None, text: str = "") -> None:
        activity = MessageActivityInput(id=activity_id, text=teams_text(text) or None)
        await self._ctx.send(_with_card(activity, card) if card else activity)


def _with_card(activity: MessageActivityInput, card: Card) -> MessageActivityInput:
    return activity.add_attachments(Attachment(content_type=ADAPTIVE_CARD, content=card))

"""Which Teams activity goes where, on the SDK's `App`: messages (a command, a return, a
card submitted: Teams sends an Action.Submit as a message whose value is the card's data)
and conversation updates (the bot installed in the personal chat, people added to a chat).

The SDK activity and context become a `Turn` and a `Back` here, so the handlers behind
(handlers/teams/inbound.py) never touch the SDK."""

from __future__ import annotations

from typing import Any

from microsoft_teams.api.activities.conversation import ConversationUpdateActivity
from microsoft_teams.api.activities.message import MessageActivity
from microsoft_teams.apps import ActivityContext, App

from bot.adapters.teams.cards import escape
from bot.bootstrap import Container
from handlers.teams.inbound import TeamsInbound
from handlers.teams.people import TeamsPeople
from handlers.teams.sdk_back import SdkBack
from handlers.teams.turn import Member, Turn, file_names, without_mentions


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

"""A SPOC's message (or file) to the bot in their personal chat, taken as the return they
owe, as Slack takes a direct message (handlers/slack/interactions.py `reply_elsewhere`): the
one request the person still owes takes it; a return already made takes only files (the
"attached below"), so a "thanks" after the receipt is answered, not added to the return."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.directory import AgencyRole
from bot.domain.errors import DomainError
from bot.services.delivery import Medium
from bot.services.facade import Services
from bot.services.replies import Reply, receipt, with_files
from handlers.slack.loose_replies import not_a_request_reply
from handlers.teams.turn import Turn

HOW = (
    "send it here in one message (files welcome) while it is the only request you owe, or"
    " press *Submit return* on that request's card"
)
IDLE = (
    "This message was not recorded: no information request is waiting for your answer."
    " When the bot sends your agency one, answer it here (files welcome) or press"
    " *Submit return* on its card. `help` lists what else the bot does."
)


def teams_receipt(services: Services, reply: Reply) -> str:
    """The receipt, with how to add to a return said for this chat (no threads here)."""
    said = receipt(services.ctx, reply, Medium.CHAT)
    return said.replace("post it in the request's thread", "send it in this chat")


async def loose_reply(
    services: Services, turn: Turn, email: str, escape: Callable[[str], str]
) -> str | None:
    """The receipt (or refusal) for a message that may be a return; None when the person
    owes no request and is no agency's SPOC, so the message is read as a command."""
    awaited = await services.requests_awaiting(email=email)
    text = with_files(turn.text, turn.files)
    if len(awaited) == 1 and (turn.files or not awaited[0].returned):
        (only,) = awaited
        try:
            reply = await services.reply_to_request(
                case_ref=only.case_ref, agency=only.agency, text=text, actor=email
            )
        except DomainError as err:
            return f"Sorry: {escape(err.message)}"
        return teams_receipt(services, reply)
    if not awaited and not turn.files and not _answers_requests(services, email):
        return None
    return not_a_request_reply(services.ctx, awaited, escape, how=HOW, idle=IDLE)


def _answers_requests(services: Services, email: str) -> bool:
    roles = services.ctx.directory.agencies_of(email)
    return any(role is AgencyRole.SPOC for _, role in roles)

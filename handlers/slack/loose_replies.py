"""What a SPOC is told when a message to the bot is not in a request's thread and cannot be
taken as the reply to their one awaited request: which requests it could belong to, and how
to answer one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.services.context import ServiceContext
from bot.services.replies import Awaited

HOW = (
    "reply in the thread of the request it answers (files welcome), or press *Submit return*"
    " under that request"
)


IDLE = (
    "This message was not recorded: no information request is waiting for your"
    " answer. When the bot sends your agency one, reply in its thread (files welcome)"
    " or press *Submit return* under it. `/rapidreview help` lists what else the bot"
    " does."
)


def not_a_request_reply(
    ctx: ServiceContext,
    awaited: Sequence[Awaited],
    escape: Callable[[str], str],
    *,
    how: str = HOW,
    idle: str = IDLE,
) -> str:
    """`how` and `idle` are the surface's words for replying (Slack's by default)."""
    if not awaited:
        return idle
    listed = "\n".join(
        f"• {escape(a.case_ref)} ({escape(ctx.agency_name(a.agency))})"
        + (": already returned, this would be added to it" if a.returned else "")
        for a in awaited
    )
    return (
        "This message was not recorded: it could answer any of these information requests,\n"
        f"{listed}\nTo send it, {how}."
    )

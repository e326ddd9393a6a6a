"""Reaching one person: chat for those in the workspace, email for agencies outside it."""

from __future__ import annotations

from bot.domain.cases import Case
from bot.services.context import ServiceContext


def prefers_email(ctx: ServiceContext, email: str) -> bool:
    """People of an agency marked `contact: email` are not in the chat workspace."""
    return any(a.contact == "email" for a, _ in ctx.directory.agencies_of(email))


async def deliver_to_person(
    ctx: ServiceContext, case: Case, email: str, *, subject: str, text: str
) -> str:
    if prefers_email(ctx, email):
        safe_subject = ctx.safe(case, subject, "email subject")
        return await ctx.mail.send(to=[email], subject=safe_subject, body=text)
    return await ctx.chat.direct_message(to=email, text=text)

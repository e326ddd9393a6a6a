"""Reaching one person: chat for those in the workspace, email for agencies outside it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.cases import Case
from bot.domain.errors import RecipientUnreachable
from bot.logging import get_logger
from bot.ports import Button, RequestThread
from bot.services.context import ServiceContext
from bot.services.mail_threads import remember_thread

log = get_logger(__name__)


def prefers_email(ctx: ServiceContext, email: str) -> bool:
    """People of an agency marked `contact: email` are not in the chat workspace."""
    return any(a.contact == "email" for a, _ in ctx.directory.agencies_of(email))


async def deliver_to_person(
    ctx: ServiceContext,
    case: Case,
    email: str,
    *,
    subject: str,
    text: str,
    buttons: Sequence[Button] = (),
    about: RequestThread | None = None,
) -> str:
    """A direct message, or an email (reference-only subject) for anyone chat cannot reach."""
    if not prefers_email(ctx, email):
        try:
            return await ctx.chat.direct_message(to=email, text=text, buttons=buttons, about=about)
        except RecipientUnreachable:
            log.info("delivered_by_email_instead", case_ref=case.ref)
    safe_subject = ctx.safe(case, subject, "email subject")
    send_id = await ctx.mail.send(to=[email], subject=safe_subject, body=text)
    if about is not None:  # an emailed return is trusted only as a reply to this email
        await remember_thread(ctx, about, recipient=email, send_id=send_id)
    return send_id

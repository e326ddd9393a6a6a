"""Reaching one person: chat for those in the workspace, email for agencies outside it.

What a message says depends on how it travels: a chat message may point at its buttons and
its thread, an email cannot (there the person replies to the email). So a message is given
as its words for each medium, and the words are chosen once the medium is known (a person
chat cannot reach after all gets the email words, not the chat ones).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

from bot.domain.cases import Case
from bot.domain.errors import RecipientUnreachable
from bot.logging import get_logger
from bot.ports import Attachment, Button, RequestThread
from bot.services.context import ServiceContext
from bot.services.mail_threads import remember_thread

log = get_logger(__name__)


class Medium(StrEnum):
    CHAT = "chat"
    EMAIL = "email"


Words = str | Callable[[Medium], str]
"""The same text by either medium, or the text for each (no buttons or threads by email)."""


def in_medium(words: Words, medium: Medium) -> str:
    return words if isinstance(words, str) else words(medium)


def followed_by(text: str, endings: Mapping[Medium, str]) -> Callable[[Medium], str]:
    """`text`, then what to do about it in the medium it travels by."""
    return lambda medium: text + endings[medium]


def prefers_email(ctx: ServiceContext, email: str) -> bool:
    """People of an agency marked `contact: email` are not in the chat workspace."""
    return any(a.contact == "email" for a, _ in ctx.directory.agencies_of(email))


async def deliver_to_person(
    ctx: ServiceContext,
    case: Case,
    email: str,
    *,
    subject: str,
    text: Words,
    buttons: Sequence[Button] = (),
    about: RequestThread | None = None,
    attachments: Callable[[], Sequence[Attachment]] = tuple,
) -> str:
    """A direct message, or an email (reference-only subject) for anyone chat cannot reach.
    `attachments` go with the email only (made only then: a Word template costs time); in
    chat the message's buttons do their work."""
    if not prefers_email(ctx, email):
        try:
            return await ctx.chat.direct_message(
                to=email, text=in_medium(text, Medium.CHAT), buttons=buttons, about=about
            )
        except RecipientUnreachable:
            log.info("delivered_by_email_instead", case_ref=case.ref)
    return await email_person(
        ctx, case, email, subject=subject, text=text, about=about, attachments=attachments()
    )


async def email_person(
    ctx: ServiceContext,
    case: Case,
    email: str,
    *,
    subject: str,
    text: Words,
    about: RequestThread | None = None,
    attachments: Sequence[Attachment] = (),
) -> str:
    """An email in the email's words, under a reference-only subject, with `attachments`."""
    safe_subject = ctx.safe(case, subject, "email subject")
    send_id = await ctx.mail.send(
        to=[email],
        subject=safe_subject,
        body=in_medium(text, Medium.EMAIL),
        attachments=attachments,
    )
    if about is not None:  # an emailed return is trusted only as a reply to this email
        await remember_thread(ctx, about, recipient=email, send_id=send_id)
    return send_id

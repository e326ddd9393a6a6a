"""Returns that arrive by email: agencies outside chat reply to their request, and the reply
is recorded as the return, just as a reply in a Slack thread is.

A reply is matched by the case reference in its subject (our requests carry it, and "RE:"
keeps it) and by its sender: the SPOC of an agency with an open request on that case. Mail
that matches nothing is left alone for a person to read, never guessed at; its sender and
subject are not logged (they may carry names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.domain.cases import Case, parse_ref
from bot.domain.directory import AgencyRole
from bot.domain.errors import DomainError, NotFound
from bot.domain.requests import reply_kind
from bot.logging import get_logger
from bot.ports import ReceivedMail
from bot.services.context import ServiceContext
from bot.services.requests import record_return

log = get_logger(__name__)
_REFERENCE = re.compile(r"\b([A-Za-z]{2,8}-RR-\d{4}-\d{3,})\b")
SUMMARY_LIMIT = 4000  # the rest stays in the mailbox, which keeps the whole message


@dataclass(frozen=True, slots=True)
class MailOutcome:
    message_id: str
    recorded: str | None  # "<case ref> <agency>" when recorded as a return
    reason: str


async def read_mailbox(ctx: ServiceContext, *, since: datetime) -> list[MailOutcome]:
    """Record every reply received since `since` that is an agency's return."""
    if ctx.mailbox is None:
        raise NotFound("No partnership mailbox is configured (set the GRAPH_* settings).")
    return [await record_mail(ctx, mail) for mail in await ctx.mailbox.replies(since=since)]


async def record_mail(ctx: ServiceContext, mail: ReceivedMail) -> MailOutcome:
    found = _REFERENCE.search(mail.subject)
    if found is None:
        return _skipped(mail, "no case reference in the subject")
    try:
        async with ctx.uow() as uow:
            case = await uow.cases.get(parse_ref(found.group(1)))
    except DomainError:
        return _skipped(mail, "the reference in the subject is not a case")
    agency = _agency_answering(ctx, case, mail.sender)
    if agency is None:
        return _skipped(mail, "the sender is not the SPOC of an agency with an open request")
    files = f"\nFiles: {', '.join(mail.attachments)}" if mail.attachments else ""
    summary = (mail.text.strip()[:SUMMARY_LIMIT] + files).strip()
    try:
        await record_return(
            ctx,
            case_ref=case.ref,
            agency=agency,
            kind=reply_kind(mail.text),
            summary=summary,
            actor=mail.sender,
        )
    except DomainError as err:  # e.g. already returned in chat: the mail is kept, not lost
        return _skipped(mail, err.message, case.ref)
    log.info("email_return_recorded", case_ref=case.ref, agency=agency)
    return MailOutcome(mail.message_id, f"{case.ref} {agency}", "recorded")


def _agency_answering(ctx: ServiceContext, case: Case, sender: str) -> str | None:
    open_codes = {r.agency for r in case.open_requests()}
    return next(
        (
            agency.code
            for agency, role in ctx.directory.agencies_of(sender)
            if role is AgencyRole.SPOC and agency.code in open_codes
        ),
        None,
    )


def _skipped(mail: ReceivedMail, reason: str, case_ref: str | None = None) -> MailOutcome:
    log.info("email_not_recorded", case_ref=case_ref, reason=reason)
    return MailOutcome(mail.message_id, None, reason)

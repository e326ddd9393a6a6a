"""Returns that arrive by email: agencies outside chat reply to their request, and the reply
is recorded as the return, just as a reply in a Slack thread is.

An email is considered when its subject names a case and its sender is the SPOC of an agency
with an open request on that case. It is recorded as the return only when it answers the
email the bot sent that agency, from the address it went to, and the receiving mail system
vouches for the sender (bot.domain.mail_trust). Otherwise (a fresh email, a reply that failed
SPF/DKIM/DMARC) it is recorded as "received, to be confirmed by the business office": the
request stays open, its chase goes on, and the office is told in the case channel. Mail that
matches nothing is left alone for a person to read, never guessed at. Sender and subject are
never logged (they may carry names).

A reply carrying the Word reply template (attached to every emailed request) filled in is
recorded as the agency's structured return (a later one as its next version); a template
that cannot be read is refused by email with the reason, and nothing is recorded: the mail
stays in the mailbox and the request stays open and chased. A Word document that is not the
template is an attachment like any other. File names are never logged either.

Once the return is recorded, a further trusted reply is added to it until the papers go out
(then the sender is told where to send it instead). The sender gets one receipt, by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from bot.documents import TemplateUnreadable
from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.cases import Case, parse_ref, ref_mentioned
from bot.domain.directory import AgencyRole, Role
from bot.domain.errors import DomainError, InvalidInput, NotAuthorised, NotFound
from bot.domain.mail_trust import Evidence, doubt
from bot.domain.playbook import Audience
from bot.domain.requests import (
    InformationRequest,
    ReturnClosed,
    ReturnKind,
    ReturnRecorded,
    reply_kind,
)
from bot.domain.returns import StructuredReturn
from bot.domain.stages import Stage
from bot.logging import get_logger
from bot.ports import ReceivedMail, RequestThread
from bot.services.change import announce, change_case, read_case
from bot.services.context import ServiceContext
from bot.services.delivery import email_person
from bot.services.mail_threads import resolve_threads
from bot.services.replies import Reply, receipt, reply_to_request, reply_with_structured_return
from bot.services.reply_templates import refusal, template_in

log = get_logger(__name__)
SUMMARY_LIMIT = 4000  # the rest stays in the mailbox, which keeps the whole message
_CONFIRMERS = frozenset({Role.BUSINESS_OFFICER, Role.CHAIR, Role.PARTNERSHIP_MANAGER})


@dataclass(frozen=True, slots=True)
class MailOutcome:
    message_id: str
    recorded: str | None  # "<case ref> <agency>" when recorded as a return
    reason: str
    to_confirm: bool = False  # received, but held for the business office to confirm


async def read_mailbox(
    ctx: ServiceContext, *, since: datetime, seen_before: datetime | None = None
) -> list[MailOutcome]:
    """Record every reply received since `since` that is an agency's return (or adds to it).
    Mail received before `seen_before` was read by the previous, overlapping reading: a
    refusal to it was sent then and is not sent again."""
    if ctx.mailbox is None:
        raise NotFound("No partnership mailbox is configured (set the GRAPH_* settings).")
    await resolve_threads(ctx)  # our request emails' ids, before replies are matched to them
    return [
        await record_mail(
            ctx, mail, seen=seen_before is not None and mail.received_at < seen_before
        )
        for mail in await ctx.mailbox.replies(since=since)
    ]


async def record_mail(
    ctx: ServiceContext, mail: ReceivedMail, *, seen: bool = False
) -> MailOutcome:
    named = ref_mentioned(mail.subject)  # a reference is never a name: logged with the reason
    if named is None:
        return _skipped(mail, "no case reference in the subject")
    try:
        async with ctx.uow() as uow:
            case = await uow.cases.get(parse_ref(named))
            threads = await uow.mail_threads.of_case(case.ref)
    except DomainError:
        return _skipped(mail, "the reference in the subject is not a case", named)
    agency = _agency_answering(ctx, case, mail.sender)
    if agency is None:
        return _skipped(
            mail, "the sender is not the SPOC of an agency asked on this case", case.ref
        )
    files = f"\nFiles: {', '.join(mail.attachments)}" if mail.attachments else ""
    summary = (mail.text.strip()[:SUMMARY_LIMIT] + files).strip()
    template = template_in(mail, case.ref, agency)
    if isinstance(template, TemplateUnreadable):  # nothing recorded: the request stays open
        if not seen:
            text = refusal(ctx, case, template)
            await email_person(
                ctx, case, mail.sender, subject=f"Not recorded: {case.ref}", text=text
            )
        return _skipped(mail, "the reply template attached could not be read", case.ref)
    kind = template.kind if template is not None else reply_kind(mail.text)
    evidence = Evidence(mail.sender, mail.replies_to, mail.conversation_id, mail.authentication)
    why = doubt(evidence, [t for t in threads if t.agency == agency])
    request = case.request_for(agency)
    if _already_recorded(request, summary, template):
        return _skipped(mail, "already recorded (the mailbox is read with some overlap)", case.ref)
    try:
        if why is not None:
            if not request.is_open:  # an addition nobody can vouch for: a person reads it
                return _skipped(mail, f"an addition to a recorded return, but {why}", case.ref)
            return await _hold(ctx, case, agency, mail, kind, summary, why)
        if template is not None:
            reply = await reply_with_structured_return(
                ctx,
                case_ref=case.ref,
                agency=agency,
                structured=template,
                actor=mail.sender,
                files=mail.attachments,
            )
        else:
            reply = await reply_to_request(
                ctx, case_ref=case.ref, agency=agency, text=summary, actor=mail.sender, kind=kind
            )
    except DomainError as err:  # e.g. closed to additions: the sender is told, the mail kept
        closed = isinstance(err, ReturnClosed)
        if (closed or (template is not None and _sender_can_fix(err))) and not seen:
            await email_person(
                ctx,
                case,
                mail.sender,
                subject=f"{'Not added' if closed else 'Not recorded'}: {case.ref}",
                text=ctx.guard(case).redact(err.message),
            )
        return _skipped(mail, err.message, case.ref)
    await email_receipt(ctx, case, reply, mail.sender)
    log.info("email_return_recorded", case_ref=case.ref, agency=agency)
    done = "recorded" if reply.recorded else "added to the return"
    return MailOutcome(mail.message_id, f"{case.ref} {agency}", done)


async def email_receipt(ctx: ServiceContext, case: Case, reply: Reply, to: str) -> None:
    """The one receipt for a return that came by email: by email, in email's words. A reply
    to it is trusted as a reply to the request (an addition)."""
    about = RequestThread(case.ref, reply.agency)
    text = partial(receipt, ctx, reply)
    await email_person(ctx, case, to, subject=f"Receipt: {case.ref}", text=text, about=about)


async def _hold(
    ctx: ServiceContext,
    case: Case,
    agency: str,
    mail: ReceivedMail,
    kind: ReturnKind,
    summary: str,
    why: str,
) -> MailOutcome:
    """Received, to be confirmed: kept on the request, which stays open and chased."""
    operation = Operation.RECORD_RETURN
    async with change_case(ctx, case.ref, actor=SYSTEM, operation=operation) as change:
        if change.case.stage is Stage.CLOSED:
            raise DomainError(f"{case.ref} is closed; returns are no longer recorded.")
        if not change.case.request_for(agency).hold_for_confirmation(kind, summary):
            change.discard()
            return _skipped(mail, "already waiting for the business office to confirm", case.ref)
        change.record("emailed_return_to_confirm", agency=agency, reason=why)
    office = await ctx.mentions(ctx.audience_emails([Audience.BUSINESS_OFFICER, Audience.CHAIR]))
    await announce(
        ctx,
        change.case,
        f"{office} An email naming {case.ref} arrived from the address of"
        f" {ctx.agency_name(agency)}'s SPOC, but {why}. It is recorded as received, to be"
        " confirmed by the business office: the request stays open and its chase goes on."
        " Check the email in the partnership mailbox (or with the agency), then confirm it:"
        f" /rapidreview confirm {case.ref} {agency}",
    )
    log.info("email_return_to_confirm", case_ref=case.ref, agency=agency)
    return MailOutcome(mail.message_id, None, why, to_confirm=True)


async def confirm_emailed_return(
    ctx: ServiceContext, *, case_ref: str, agency: str, actor: str
) -> ReturnRecorded:
    """The business office vouches for an emailed return that was held: it is recorded as
    the agency's return (its chase stops, its SPOC gets the receipt)."""
    case = await read_case(ctx, case_ref, actor=actor, operation=Operation.VIEW_CASE)
    person = ctx.directory.person(actor)
    if person is None or not set(person.roles) & _CONFIRMERS:
        raise NotAuthorised(
            "Only the business office, a chair or the partnership manager can confirm an"
            " emailed return."
        )
    if agency not in case.requests:
        raise NotFound(f"{case.ref} has no information request to that agency.")
    kind, summary = case.request_for(agency).confirmed_return()
    reply = await reply_to_request(
        ctx, case_ref=case.ref, agency=agency, text=summary, actor=actor, kind=kind, may_add=False
    )
    await email_receipt(ctx, case, reply, ctx.agency(agency).spoc)  # the SPOC sent it
    assert reply.recorded is not None  # may_add=False: recorded, or refused
    return reply.recorded


def _already_recorded(
    request: InformationRequest, summary: str, template: StructuredReturn | None
) -> bool:
    """This very return was recorded by an earlier, overlapping reading of the mailbox."""
    if template is not None:
        return request.latest is not None and request.latest.content == template
    return not request.is_open and summary in [
        request.summary,
        *(a.text for a in request.additions),
    ]


def _sender_can_fix(err: DomainError) -> bool:
    """A template the service refused for what it says (a chronology entry dated after
    today): the sender is told why, as for an unreadable one."""
    return isinstance(err, InvalidInput)


def _agency_answering(ctx: ServiceContext, case: Case, sender: str) -> str | None:
    """The agency whose SPOC sent it: one with an open request first, else one whose return
    is recorded (the mail may add to it)."""
    spoc_of = [a.code for a, role in ctx.directory.agencies_of(sender) if role is AgencyRole.SPOC]
    open_codes = {r.agency for r in case.open_requests()}
    answering = [code for code in spoc_of if code in open_codes]
    answering += [code for code in spoc_of if code in case.requests and code not in open_codes]
    return next(iter(answering), None)


def _skipped(mail: ReceivedMail, reason: str, case_ref: str | None = None) -> MailOutcome:
    log.info("email_not_recorded", case_ref=case_ref, reason=reason)
    return MailOutcome(mail.message_id, None, reason)

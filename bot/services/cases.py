"""Opening, viewing and closing a case."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain.authorisation import Operation, authorise
from bot.domain.cases import Case
from bot.domain.directory import Partner, Role
from bot.domain.errors import Conflict, InvalidInput
from bot.domain.notification import Notification, refuse_implausible_dates
from bot.domain.sensitivity import CaseSubject
from bot.domain.stages import START, Action
from bot.domain.timetable import Timetable
from bot.logging import forget_case_subject, get_logger, register_case_subject
from bot.ports import UnitOfWork
from bot.services.change import announce, change_case, read_case
from bot.services.context import ServiceContext
from bot.services.decisions import panel_email_key
from bot.services.opening import needs_opening, plan_opening
from bot.services.outcome import outcome_key

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Opened:
    case: Case
    created: bool  # False when the notification was a repeat of one already open
    queued: bool = False  # its opening was (re)queued in the outbox


@dataclass(frozen=True, slots=True)
class CaseStatus:
    case: Case
    timetable: Timetable
    day: int  # today's working day of the case


def case_members(ctx: ServiceContext, agencies: tuple[str, ...]) -> frozenset[str]:
    """The office, the chair, the advisor, the partners' decision makers and deputies, and
    every involved agency's SPOC: the people who may see the case."""
    d = ctx.directory
    members = {
        p.email
        for p in d.people
        if set(p.roles)
        & {Role.CHAIR, Role.BUSINESS_OFFICER, Role.PARTNERSHIP_MANAGER, Role.INDEPENDENT_ADVISOR}
    }
    for partner in Partner:
        partner_agency = d.partner_agency(partner)
        members.update(e for e in (partner_agency.decision_maker, partner_agency.deputy) if e)
    for code in agencies:
        involved = d.agency(code)
        if involved is not None:
            members.add(involved.spoc)
    return frozenset(members)


async def open_case(
    ctx: ServiceContext, *, notification: Notification, actor: str, send_requests: bool = False
) -> Opened:
    """Open the case, or return the one already opened for this notification. The case and
    its opening (the channel; with `send_requests`, every agency's request too) commit
    together; the opening is then done by whoever answers the doorbell (`opening.py`)."""
    try:
        opened = await _open_case(
            ctx, notification=notification, actor=actor, send_requests=send_requests
        )
    except Conflict:
        # Two deliveries of one notification raced and the other won: asking again finds
        # its case, so every caller (webhook, slash command) gets the idempotent answer.
        opened = await _open_case(
            ctx, notification=notification, actor=actor, send_requests=send_requests
        )
    if not opened.queued or not await ctx.doorbell.ring(ctx, opened.case.ref):
        return opened  # as committed: a scheduler is opening it now
    async with ctx.uow() as uow:  # opened before the doorbell returned: as it is now
        return replace(opened, case=await uow.cases.get(opened.case.ref))


async def _open_case(
    ctx: ServiceContext, *, notification: Notification, actor: str, send_requests: bool
) -> Opened:
    authorise(ctx.directory, actor, Operation.OPEN_CASE)
    refuse_implausible_dates(notification, ctx.today())  # today where the partnership is
    unknown = [a for a in notification.agencies if ctx.directory.agency(a) is None]
    if unknown:
        valid = ", ".join(a.code for a in ctx.directory.agencies)
        raise InvalidInput(
            f"Unknown agency {', '.join(repr(u) for u in unknown)}. Known agencies: {valid}."
        )
    referrer = notification.referred_by
    if referrer is not None and ctx.directory.agency(referrer) is None:
        valid = ", ".join(a.code for a in ctx.directory.agencies)
        raise InvalidInput(
            f"Unknown referring agency {referrer!r}: the referrer is told the outcome, so it"
            f" must be one of the partnership's agencies: {valid}."
        )
    code = ctx.playbook.code
    async with ctx.uow() as uow:
        existing = await uow.cases.by_external_ref(code, notification.external_ref)
        if existing is not None:
            return await _repeated(ctx, uow, existing, actor=actor, send_requests=send_requests)
        ref = await uow.cases.next_ref(code, notification.notified_on.year)
        case = Case(
            ref=ref,
            playbook=ctx.playbook.key,
            track=notification.track,
            stage=START[notification.track],
            notified_on=notification.notified_on,
            received_at=ctx.now(),
            subject=CaseSubject(
                names=notification.child_names + notification.family_names,
                dates_of_birth=notification.dates_of_birth,
            ),
            agencies=notification.agencies,
            members=case_members(ctx, notification.agencies),
            external_ref=notification.external_ref,
            referred_by=referrer,
        )
        ctx.guard(case).check(case.ref.lower(), "channel name")
        # Accepted: from here its names are redacted from every log line, before the INSERT
        # below (drivers log their parameters at DEBUG). A refused notification registers none.
        register_case_subject(ref, case.subject)
        await uow.cases.add(case)
        await plan_opening(ctx, uow, case, send_requests=send_requests)
        await ctx.audit(
            uow,
            actor=actor,
            action="case_opened",
            case_ref=ref,
            detail={"track": case.track.value, "agencies": list(case.agencies)},
        )
        await uow.commit()
    log.info("case_opened", case_ref=ref, track=case.track.value, agencies=len(case.agencies))
    return Opened(case, created=True, queued=True)


async def _repeated(
    ctx: ServiceContext, uow: UnitOfWork, case: Case, *, actor: str, send_requests: bool
) -> Opened:
    """A repeat of a notification already opened: if its opening never finished (a process
    killed at the wrong moment, chat down for long), it is queued again, at once."""
    if not needs_opening(case, send_requests=send_requests):
        return Opened(case, created=False)
    if not await plan_opening(ctx, uow, case, send_requests=send_requests):
        return Opened(case, created=False)  # a worker is opening it right now
    await ctx.audit(uow, actor=actor, action="opening_requeued", case_ref=case.ref)
    await uow.commit()
    log.info("opening_requeued", case_ref=case.ref)
    return Opened(case, created=False, queued=True)


async def get_status(ctx: ServiceContext, *, case_ref: str, actor: str) -> CaseStatus:
    case = await read_case(ctx, case_ref, actor=actor, operation=Operation.VIEW_CASE)
    return CaseStatus(case, ctx.timetable(case), ctx.day_of(case, ctx.today()))


async def close_case(ctx: ServiceContext, *, case_ref: str, actor: str) -> Case:
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.CLOSE) as change:
        case = change.case
        case.apply(Action.CLOSE)
        case.closed_on = ctx.today()
        # What the submission set going is not stopped by closing: the Panel still gets the
        # documents and the agencies are still told the outcome.
        await change.uow.outbox.cancel(
            key_prefix=f"{case.ref}:",
            reason="case closed",
            at=ctx.now(),
            keep=(panel_email_key(case.ref), outcome_key(case.ref)),
        )
        change.record("case_closed")
    log.info("case_closed", case_ref=case.ref)
    forget_case_subject(case.ref)
    await announce(ctx, case, f"{case.ref} is closed. Thank you all.")
    return case

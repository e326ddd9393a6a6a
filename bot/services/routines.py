"""What recurs: each chair's 09:00 digest on working days, reading a booked meeting's responses
back from the calendar, and reading the partnership mailbox for emailed returns.

Each routine is a row in the outbox that, when run, plans its next run: nothing recurs in
memory, so a restart, a replica or a day of downtime neither loses nor doubles one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.cases import Case
from bot.domain.ladder import chase_key
from bot.domain.outbox import DueAction
from bot.domain.stages import Stage
from bot.domain.working_hours import WorkingTime
from bot.ports import UnitOfWork
from bot.services.context import ServiceContext
from bot.services.delivery import deliver_to_person
from bot.services.presence import cases_of

POLL_EVERY = timedelta(minutes=15)
_MARK = {"red": "RED", "amber": "AMBER", "green": "green"}


def _working_time(ctx: ServiceContext) -> WorkingTime:
    return WorkingTime(ctx.playbook.working_hours, ctx.workdays)


def _next_poll(ctx: ServiceContext, after: datetime) -> datetime:
    """The next quarter hour strictly after `after`, inside working hours. On a fixed grid,
    so that two chains of polls (a meeting moved, a scheduler restarted) plan the same keys
    and merge into one instead of doubling."""
    grid = int(POLL_EVERY.total_seconds() // 60)
    at = after.replace(second=0, microsecond=0)
    at += timedelta(minutes=grid - at.minute % grid)
    return _working_time(ctx).next_sendable(at)


# -- the chairs' digest -----------------------------------------------------------------------


async def plan_digest(ctx: ServiceContext, uow: UnitOfWork, chair: str, *, after: datetime) -> None:
    """The chair's next digest: the first working-day opening at or after `after`."""
    opens = _working_time(ctx).next_sendable(after)
    day = opens.astimezone(ctx.zone).date()
    at = ctx.opening_time(day)
    if at < opens:  # working hours on that day have begun: tomorrow's opening
        day = ctx.workdays.add(day, 1)
        at = ctx.opening_time(day)
    await uow.outbox.plan(
        DueAction(key=f"digest:{chair}:{day}", kind="digest", due_at=at, payload={"chair": chair})
    )


async def digest_superseded(ctx: ServiceContext, action: DueAction) -> bool:
    """A digest that ran late (after an outage) whose chair has a newer one due by now: the
    newer one says everything it would, so the chair gets one digest that morning."""
    return await superseded(ctx, action, f"digest:{action.payload['chair']}:")


async def superseded(ctx: ServiceContext, action: DueAction, key_prefix: str) -> bool:
    """A late action with a newer one of its kind (`key_prefix`) due by now, which will say
    what is true now: people get that one message, not a stack of stale ones."""
    async with ctx.uow() as uow:
        pending = await uow.outbox.pending(key_prefix=key_prefix)
    now = ctx.now()
    return any(
        other.key != action.key and action.meant_for < other.meant_for <= now for other in pending
    )


async def rung_superseded(ctx: ServiceContext, action: DueAction) -> bool:
    """A late rung of a chase ladder whose next rung, due by now, goes to the same people
    (a reminder and the chase to one SPOC): they get the later one only. Escalations go to
    other people each, so each still goes."""
    targets = {s.kind.value: s.targets for s in ctx.playbook.chase_ladder}
    agency, step = str(action.payload["agency"]), str(action.payload["step"])
    async with ctx.uow() as uow:
        pending = await uow.outbox.pending(key_prefix=chase_key(str(action.case_ref), agency))
    now = ctx.now()
    return any(
        other.key != action.key
        and action.meant_for < other.meant_for <= now
        and targets.get(str(other.payload.get("step"))) == targets.get(step)
        for other in pending
    )


async def send_digest(ctx: ServiceContext, *, chair: str, late: bool) -> str | None:
    """The chair's open cases, most urgent first; None when they have none (nothing sent).
    The next digest is planned either way."""
    glances = await cases_of(ctx, chair)
    async with ctx.uow() as uow:
        await plan_digest(ctx, uow, chair, after=ctx.now() + timedelta(minutes=1))
        await uow.commit()
    if not glances:
        return None
    lines = [
        f"{_MARK[g.standing.rag.value]:<5} {g.ref}: {g.stage}. Next: {g.next_deadline}."
        f" {g.standing.reason.capitalize()}."
        for g in glances
    ]
    heading = f"Your Rapid Reviews this morning ({len(glances)} open)"
    if late:
        heading += ", sent late after an outage"
    # Any case will do for the email subject: it carries no case reference.
    async with ctx.uow() as uow:
        case = await uow.cases.get(glances[0].ref)
    return await deliver_to_person(
        ctx, case, chair, subject="Rapid Review digest", text=heading + ":\n" + "\n".join(lines)
    )


# -- responses to the meeting invitation ------------------------------------------------------


async def plan_response_poll(
    ctx: ServiceContext, uow: UnitOfWork, case: Case, *, at: datetime
) -> None:
    due = _next_poll(ctx, at)
    await uow.outbox.plan(
        DueAction(
            key=f"{case.ref}:poll:{due:%Y%m%dT%H%M}",
            kind="poll_responses",
            due_at=due,
            case_ref=case.ref,
        )
    )


def polling_matters(case: Case, now: datetime) -> bool:
    meeting = case.meeting
    return case.stage is Stage.MEETING_BOOKED and meeting is not None and meeting.end > now


# -- the partnership mailbox ------------------------------------------------------------------


async def plan_mailbox_read(
    ctx: ServiceContext, uow: UnitOfWork, *, since: datetime, after: datetime
) -> None:
    """The next reading after `after`, of the mail received since `since`."""
    due = _next_poll(ctx, after)
    await uow.outbox.plan(
        DueAction(
            key=f"mailbox:read:{due:%Y%m%dT%H%M}",
            kind="read_mailbox",
            due_at=due,
            payload={"since": since.isoformat()},
        )
    )


async def ensure_routines(ctx: ServiceContext) -> None:
    """At scheduler start: each chair's next digest and, with a mailbox, its next reading
    (idempotent; the rows then plan their own successors)."""
    now = ctx.now()
    async with ctx.uow() as uow:
        for chair in ctx.chairs():
            await plan_digest(ctx, uow, chair, after=now)
        if ctx.mailbox is not None:
            await plan_mailbox_read(ctx, uow, since=now - POLL_EVERY, after=now - POLL_EVERY)
        await uow.commit()

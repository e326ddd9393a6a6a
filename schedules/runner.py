"""Run what the outbox says is due: claim, do, mark done; a failure is retried, never lost.

Three rules on top of claim-do-complete:
- a message to people that comes due outside working hours is handed back until the next
  working morning, without counting an attempt (`performers.py` says which kinds);
- an action run after the whole working period it was meant for (downtime) still runs once,
  oldest first, and is told the day it was meant for, so its message can say so;
- an action that already got a message out (its external id is recorded) is completed, not
  sent again (`sent_once.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.errors import (
    IllegalTransition,
    InvalidInput,
    NotAuthorised,
    NotFound,
    PersonalDataRefused,
)
from bot.domain.outbox import DueAction, Outcome
from bot.domain.working_hours import WorkingTime
from bot.logging import get_logger
from bot.services.context import ServiceContext
from bot.services.facade import Services
from bot.services.faults import tell_chairs_it_keeps_failing
from schedules.performers import PERFORMERS, Performer, performer_for
from schedules.sent_once import noting_first_sent

log = get_logger(__name__)
# Refusals a retry cannot change; anything else (chat or calendar down, a database hiccup,
# a rate limit outlasting its retries) is tried again later.
NEVER_SUCCEEDS = (IllegalTransition, InvalidInput, NotAuthorised, NotFound, PersonalDataRefused)
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)
ALERT_AFTER_ATTEMPTS = 4  # ~15 minutes of 1, 2, 4 and 8 minute waits: the chairs are told


def _what(action: DueAction) -> str:
    agency = action.payload.get("agency")
    return action.kind.replace("_", " ") + (f" of {agency}" if agency else "")


@dataclass(frozen=True, slots=True)
class Ran:
    action: DueAction
    outcome: Outcome | None  # None when it failed and was rescheduled, or was deferred
    note: str
    late_since: date | None = None  # the working day it was meant for, when it ran late
    deferred_until: datetime | None = None  # held for working hours until then


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, capped at an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def working_time(ctx: ServiceContext) -> WorkingTime:
    return WorkingTime(ctx.playbook.working_hours, ctx.workdays)


def _held(action: DueAction, performers: Mapping[str, Performer]) -> bool:
    """A message to people, not yet out: it waits for working hours."""
    performer = performers.get(action.kind)
    return performer is not None and performer.to_people and action.external_id is None


async def claim(
    services: Services,
    *,
    worker: str,
    limit: int = 100,
    performers: Mapping[str, Performer] = PERFORMERS,
) -> tuple[list[DueAction], list[Ran]]:
    """Lease up to `limit` due actions to `worker`, oldest due first. Those that must wait
    for working hours are handed back in the same transaction: (to run now, deferred)."""
    ctx = services.ctx
    now = ctx.now()
    opens = working_time(ctx).next_sendable(now)  # `now` itself inside working hours
    ready: list[DueAction] = []
    deferred: list[Ran] = []
    async with ctx.uow() as uow:
        claimed = await uow.outbox.claim_due(now=now, worker=worker, lease=LEASE, limit=limit)
        for action in claimed:
            assert action.id is not None
            if opens != now and _held(action, performers):
                await uow.outbox.defer(action.id, until=opens)
                note = f"waits for working hours: {opens.astimezone(ctx.zone):%a %d %b %H:%M}"
                deferred.append(Ran(action, None, note, deferred_until=opens))
            else:
                ready.append(action)
        await uow.commit()
    for ran in deferred:
        log.info("due_action_deferred", key=ran.action.key, case_ref=ran.action.case_ref)
    return ready, deferred


async def run_claimed(
    services: Services,
    actions: Sequence[DueAction],
    *,
    performers: Mapping[str, Performer] = PERFORMERS,
) -> list[Ran]:
    """Perform actions this worker has claimed, in the order given (claim order: due order)."""
    return [await _run_one(services, action, performers) for action in actions]


async def run_due(
    services: Services,
    *,
    worker: str,
    limit: int = 100,
    performers: Mapping[str, Performer] = PERFORMERS,
) -> list[Ran]:
    ready, deferred = await claim(services, worker=worker, limit=limit, performers=performers)
    return deferred + await run_claimed(services, ready, performers=performers)


async def _run_one(
    services: Services, action: DueAction, performers: Mapping[str, Performer]
) -> Ran:
    ctx = services.ctx
    assert action.id is not None
    late_since = working_time(ctx).missed_since(action.due_at, ctx.now())
    if action.external_id is not None:  # a worker got it out, then died before marking it
        note = f"already sent ({action.external_id}); not sent again"
        await _complete(ctx, action, Outcome.DONE, note, action.external_id)
        return Ran(action, Outcome.DONE, note, late_since)
    noting, sent = noting_first_sent(ctx, action.id)
    try:
        performer = performer_for(action, performers)
        outcome, note = await performer.run(Services(noting), action, late_since)
    except NEVER_SUCCEEDS as err:  # retrying cannot help: keep the reason, drop it
        outcome, note = Outcome.DROPPED, err.message
    except Exception as err:  # an outside call failed: try again later
        async with ctx.uow() as uow:
            await uow.outbox.fail(
                action.id,
                error=f"{type(err).__name__}: {err}"[:500],
                retry_at=ctx.now() + backoff(action.attempts),
            )
            await uow.commit()
        log.warning(
            "due_action_failed",
            key=action.key,
            case_ref=action.case_ref,
            attempts=action.attempts,
            error=type(err).__name__,
        )
        if action.attempts == ALERT_AFTER_ATTEMPTS:
            await tell_chairs_it_keeps_failing(
                ctx,
                case_ref=action.case_ref,
                what=_what(action),
                reason=getattr(err, "message", None) or type(err).__name__,
                attempts=action.attempts,
            )
        return Ran(action, None, str(err), late_since)
    await _complete(ctx, action, outcome, note, sent.external_id)
    return Ran(action, outcome, note, late_since)


async def _complete(
    ctx: ServiceContext, action: DueAction, outcome: Outcome, note: str, external_id: str | None
) -> None:
    assert action.id is not None
    async with ctx.uow() as uow:
        await uow.outbox.complete(
            action.id, at=ctx.now(), outcome=outcome.value, external_id=external_id
        )
        if outcome is Outcome.DROPPED or action.external_id is not None:
            await ctx.audit(
                uow,
                actor="rrbot",
                action="due_action_dropped"
                if outcome is Outcome.DROPPED
                else "due_action_not_resent",
                case_ref=action.case_ref,
                detail={"key": action.key, "reason": note},
            )
        await uow.commit()
    log.info("due_action_" + outcome.value, key=action.key, case_ref=action.case_ref)

"""Run what the outbox says is due: claim, do, mark done; a failure is retried, never lost.

Rules on top of claim-do-complete:
- a message to people that comes due outside working hours is handed back until the next
  working morning, without counting an attempt (`performers.py` says which kinds);
- an action run after the whole working period it was planned for (downtime, or retries
  that ran on) still runs once, oldest first, and is told the day it was meant for, so its
  message can say so: a failure moves its next attempt, never the time it was planned for;
- each message an action gets out is recorded as it leaves (`sent_once.py`), so a rerun after
  a crash sends exactly the ones still missing;
- a claim lasts a minute and is renewed while its worker works through it; the claims of a
  worker known to be dead (a process on this host that is gone) are released at once;
- a case changed by someone else at the same moment is not a failure: the action runs again
  at once (a few times), its messages not repeated;
- due actions of different cases run side by side (a few at a time); one case's in order.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.adapters.db.scheduler_lease import gone_from_this_host
from bot.domain.errors import (
    Conflict,
    IllegalTransition,
    InvalidInput,
    NotAuthorised,
    NotFound,
    PersonalDataRefused,
)
from bot.domain.outbox import DueAction, Outcome
from bot.domain.working_hours import WorkingTime
from bot.logging import get_logger
from bot.observability.metrics import count_action
from bot.services.context import ServiceContext
from bot.services.doorbell import Answer
from bot.services.facade import Services
from bot.services.faults import tell_chairs_it_keeps_failing
from schedules.performers import PERFORMERS, Performer, performer_for
from schedules.sent_once import delivering_once

log = get_logger(__name__)
# Refusals a retry cannot change; anything else (chat or calendar down, a database hiccup,
# a rate limit outlasting its retries) is tried again later.
NEVER_SUCCEEDS = (IllegalTransition, InvalidInput, NotAuthorised, NotFound, PersonalDataRefused)
LEASE = timedelta(minutes=1)
RENEW_EVERY_S = 20.0  # a third of the lease: two renewals can be missed before it runs out
MAX_BACKOFF = timedelta(hours=1)
ALERT_AFTER_ATTEMPTS = 4  # ~15 minutes of 1, 2, 4 and 8 minute waits: the chairs are told
CONFLICT_RETRIES = 3  # a case changed at the same moment by another worker: run again at once
SIDE_BY_SIDE = 8  # cases worked on at once by one worker (outside calls overlap)


def _what(action: DueAction) -> str:
    if action.kind == "open_channel":
        return "opening the case (its channel, then its requests)"
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


async def release_dead_claims(services: Services) -> int:
    """Free the claims of workers on this host whose process is gone (a crash, then a
    restart): their actions run now, not when the lease would have run out. Elsewhere (another
    host) nobody can tell, and the short lease decides."""
    ctx = services.ctx
    released = 0
    async with ctx.uow() as uow:
        for holder in await uow.outbox.claim_holders(now=ctx.now()):
            if gone_from_this_host(holder):
                count = await uow.outbox.release_claims_of(holder)
                log.warning("due_action_claims_released", holder=holder, actions=count)
                released += count
        if released:
            await uow.commit()
    return released


async def claim(
    services: Services,
    *,
    worker: str,
    limit: int = 100,
    performers: Mapping[str, Performer] = PERFORMERS,
    case_ref: str | None = None,
) -> tuple[list[DueAction], list[Ran]]:
    """Lease up to `limit` due actions (of one case, if given) to `worker`, oldest due
    first. Those that must wait for working hours are handed back in the same transaction:
    (to run now, deferred)."""
    ctx = services.ctx
    now = ctx.now()
    opens = working_time(ctx).next_sendable(now)  # `now` itself inside working hours
    ready: list[DueAction] = []
    deferred: list[Ran] = []
    async with ctx.uow() as uow:
        claimed = await uow.outbox.claim_due(
            now=now, worker=worker, lease=LEASE, limit=limit, case_ref=case_ref
        )
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
        _count(ran)
    return ready, deferred


async def run_claimed(
    services: Services,
    actions: Sequence[DueAction],
    *,
    performers: Mapping[str, Performer] = PERFORMERS,
    worker: str | None = None,
    going_on: Callable[[], bool] = lambda: True,
) -> list[Ran]:
    """Perform actions this worker has claimed: each case's in the order given (claim order:
    due order), different cases side by side. Results come back in the order given. While
    they run, `worker`'s claims on those not yet finished are renewed. Once `going_on()` is
    False (a shutdown), no further action starts: those not started stay claimed until
    `release_claims` hands them on, and are left out of the results."""
    by_case: dict[str, list[int]] = {}
    for n, action in enumerate(actions):
        by_case.setdefault(action.case_ref or "", []).append(n)  # routines: one lane
    results: list[Ran | None] = [None] * len(actions)
    unfinished = {a.id for a in actions if a.id is not None}
    gate = asyncio.Semaphore(SIDE_BY_SIDE)

    async def one_case(positions: list[int]) -> None:
        async with gate:
            for n in positions:
                if not going_on():
                    return
                results[n] = ran = await _run_one(services, actions[n], performers)
                _count(ran)
                unfinished.discard(actions[n].id or 0)

    renewing = asyncio.create_task(_keep_claims(services, worker, unfinished)) if worker else None
    try:
        await asyncio.gather(*(one_case(p) for p in by_case.values()))
    finally:
        if renewing is not None:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
    return [r for r in results if r is not None]


async def _keep_claims(services: Services, worker: str, unfinished: set[int]) -> None:
    """Renew the lease on the claims still being worked through, until cancelled."""
    while True:
        await asyncio.sleep(RENEW_EVERY_S)
        await renew_claims(services, worker, sorted(unfinished))


async def renew_claims(services: Services, worker: str, ids: list[int]) -> int:
    ctx = services.ctx
    async with ctx.uow() as uow:
        renewed = await uow.outbox.renew(ids, worker=worker, until=ctx.now() + LEASE)
        await uow.commit()
    return renewed


async def run_due(
    services: Services,
    *,
    worker: str,
    limit: int = 100,
    performers: Mapping[str, Performer] = PERFORMERS,
    case_ref: str | None = None,
    going_on: Callable[[], bool] = lambda: True,
) -> list[Ran]:
    ready, deferred = await claim(
        services, worker=worker, limit=limit, performers=performers, case_ref=case_ref
    )
    ran = await run_claimed(
        services, ready, performers=performers, worker=worker, going_on=going_on
    )
    return deferred + ran


async def release_claims(services: Services, worker: str) -> int:
    """Hand back every pending action `worker` still holds (it is stopping), so another
    replica runs them at once rather than when the claims run out. One cut short mid-send
    reruns elsewhere; its sent-once records keep what already left from leaving again."""
    ctx = services.ctx
    async with ctx.uow() as uow:
        count = await uow.outbox.release_claims_of(worker)
        await uow.commit()
    if count:
        log.info("due_action_claims_handed_back", worker=worker, actions=count)
    return count


async def _run_one(
    services: Services, action: DueAction, performers: Mapping[str, Performer]
) -> Ran:
    ctx = services.ctx
    assert action.id is not None
    late_since = working_time(ctx).missed_since(action.meant_for, ctx.now())
    noting, sent = delivering_once(ctx, action)
    if action.external_id is not None and sent.first_id is None:
        # Written by a release before per-person deliveries: it got out, then its worker died.
        note = f"already sent ({action.external_id}); not sent again"
        await _complete(ctx, action, Outcome.DONE, note, action.external_id, resumed=True)
        return Ran(action, Outcome.DONE, note, late_since)
    try:
        performer = performer_for(action, performers)
        outcome, note = await _perform(Services(noting), performer, action, late_since)
    except NEVER_SUCCEEDS as err:  # retrying cannot help: keep the reason, drop it
        outcome, note = Outcome.DROPPED, err.message
    except Exception as err:  # an outside call failed: try again later
        await _failed(services, action, performers.get(action.kind), err)
        return Ran(action, None, str(err), late_since)
    if sent.skipped:
        note += f"; {sent.skipped} message(s) sent before a restart were not sent again"
    await _complete(ctx, action, outcome, note, sent.first_id, resumed=sent.skipped > 0)
    return Ran(action, outcome, note, late_since)


async def _perform(
    services: Services, performer: Performer, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    """Run it; a conflict with another worker on the same case is run again at once."""
    for attempt in range(1, CONFLICT_RETRIES + 1):
        try:
            return await performer.run(services, action, late_since)
        except Conflict:
            if attempt == CONFLICT_RETRIES:
                raise
            log.info("due_action_conflict_retried", key=action.key, case_ref=action.case_ref)
    raise AssertionError("unreachable")


async def _failed(
    services: Services, action: DueAction, performer: Performer | None, err: Exception
) -> None:
    ctx = services.ctx
    assert action.id is not None
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
    first_alert = performer.alert_at if performer is not None else ALERT_AFTER_ATTEMPTS
    if action.attempts in (first_alert, ALERT_AFTER_ATTEMPTS):
        progress = None
        if performer is not None and performer.progress is not None:
            progress = await performer.progress(services, action)
        await tell_chairs_it_keeps_failing(
            ctx,
            case_ref=action.case_ref,
            what=_what(action),
            reason=getattr(err, "message", None) or type(err).__name__,
            attempts=action.attempts,
            progress=progress,
        )


async def _complete(
    ctx: ServiceContext,
    action: DueAction,
    outcome: Outcome,
    note: str,
    external_id: str | None,
    *,
    resumed: bool = False,
) -> None:
    assert action.id is not None
    async with ctx.uow() as uow:
        await uow.outbox.complete(
            action.id, at=ctx.now(), outcome=outcome.value, external_id=external_id
        )
        if outcome is Outcome.DROPPED or resumed:
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


def _count(ran: Ran) -> None:
    """rrbot_outbox_actions (per process): sent, dropped, failed (to be retried) or deferred."""
    if ran.deferred_until is not None:
        outcome = "deferred"
    elif ran.outcome is None:
        outcome = "failed"
    else:
        outcome = "sent" if ran.outcome is Outcome.DONE else ran.outcome.value
    count_action(ran.action.kind, outcome, late=ran.late_since is not None)


def run_at_once(*, worker: str) -> Answer:
    """The doorbell's answer where no scheduler runs (the demo, tests, a one-off command): the
    rung case's due rows run, through the caller's ports, before the caller is answered."""

    async def answer(ctx: ServiceContext, case_ref: str | None) -> bool:
        await run_due(Services(ctx), worker=worker, case_ref=case_ref)
        return True

    return answer

"""Run what the outbox says is due: claim, do, mark done; a failure is retried, never lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.domain.errors import (
    IllegalTransition,
    InvalidInput,
    NotAuthorised,
    NotFound,
    PersonalDataRefused,
)
from bot.domain.outbox import DueAction, Outcome
from bot.domain.playbook import ChaseStepKind
from bot.logging import get_logger
from bot.services.facade import Services

log = get_logger(__name__)
# Refusals a retry cannot change; anything else (chat or calendar down, a database hiccup,
# a rate limit outlasting its retries) is tried again later.
NEVER_SUCCEEDS = (IllegalTransition, InvalidInput, NotAuthorised, NotFound, PersonalDataRefused)
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Ran:
    action: DueAction
    outcome: Outcome | None  # None when it failed and was rescheduled
    note: str


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, capped at an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


async def _perform(services: Services, action: DueAction) -> tuple[Outcome, str]:
    if action.kind == "chase" and action.case_ref:
        result = await services.run_chase_step(
            case_ref=action.case_ref,
            agency=str(action.payload["agency"]),
            step=ChaseStepKind(action.payload["step"]),
        )
        return (Outcome.DONE if result.sent else Outcome.DROPPED), result.reason
    if action.kind == "open_channel" and action.case_ref:
        case = await services.open_channel(case_ref=action.case_ref)
        return Outcome.DONE, f"channel {case.channel}"
    raise InvalidInput(f"no handler for due action kind '{action.kind}'")


async def run_due(services: Services, *, worker: str, limit: int = 100) -> list[Ran]:
    ctx = services.ctx
    async with ctx.uow() as uow:
        claimed = await uow.outbox.claim_due(now=ctx.now(), worker=worker, lease=LEASE, limit=limit)
        await uow.commit()
    ran: list[Ran] = []
    for action in claimed:
        assert action.id is not None
        try:
            outcome, note = await _perform(services, action)
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
            ran.append(Ran(action, None, str(err)))
            continue
        async with ctx.uow() as uow:
            await uow.outbox.complete(action.id, at=ctx.now(), outcome=outcome.value)
            if outcome is Outcome.DROPPED:
                await ctx.audit(
                    uow,
                    actor="rrbot",
                    action="due_action_dropped",
                    case_ref=action.case_ref,
                    detail={"key": action.key, "reason": note},
                )
            await uow.commit()
        log.info("due_action_" + outcome.value, key=action.key, case_ref=action.case_ref)
        ran.append(Ran(action, outcome, note))
    return ran

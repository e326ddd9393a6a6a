"""What each kind of due action does, and whether it is a message that waits for working hours.

A message to a person (a chase, a reminder) is held outside working hours: a nudge at 22:00
or on a Sunday reaches safeguarding staff on their own time and is acted on no sooner.
Plumbing is not held: opening a channel the notification already asked for, polling a
calendar for responses, retrying an outside call that is not itself a nudge. Those run as
soon as they are due, so that the morning's messages find everything ready.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

from bot.domain.errors import InvalidInput
from bot.domain.outbox import DueAction, Outcome
from bot.domain.playbook import ChaseStepKind
from bot.domain.reminders import reminder_group
from bot.services.chasing import run_chase_step
from bot.services.decisions import email_panel
from bot.services.facade import Services
from bot.services.opening import opening_progress
from bot.services.outcome import tell_outcome
from bot.services.papers import send_papers
from bot.services.reminders import send_reminder
from bot.services.routines import (
    digest_superseded,
    plan_mailbox_read,
    plan_response_poll,
    polling_matters,
    rung_superseded,
    send_digest,
    superseded,
)

# (services, action, late_since) -> (outcome, note). `late_since` is the working day the
# action was meant for when that whole working period has passed (downtime); else None.
MAILBOX_OVERLAP = timedelta(minutes=5)  # mail stamped just before a reading is not missed
Perform = Callable[[Services, DueAction, date | None], Awaitable[tuple[Outcome, str]]]


Progress = Callable[[Services, DueAction], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class Performer:
    run: Perform
    to_people: bool  # a message to a person: held until working hours
    alert_at: int = 4  # the failed attempt at which the chairs are first told
    progress: Progress | None = None  # what is done so far, for the chairs' message


def _case_ref(action: DueAction) -> str:
    if not action.case_ref:
        raise InvalidInput(f"due action '{action.key}' ({action.kind}) names no case")
    return action.case_ref


async def _chase(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    if late_since is not None and await rung_superseded(services.ctx, action):
        return Outcome.DROPPED, "a later rung to the same people is due now"
    result = await run_chase_step(
        services.ctx,
        case_ref=_case_ref(action),
        agency=str(action.payload["agency"]),
        step=ChaseStepKind(action.payload["step"]),
    )
    return (Outcome.DONE if result.sent else Outcome.DROPPED), result.reason


async def _open_channel(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    done = await services.run_opening(
        case_ref=_case_ref(action), send_requests=bool(action.payload.get("send_requests", True))
    )
    return Outcome.DONE, done


async def _opening_progress(services: Services, action: DueAction) -> str | None:
    assert action.id is not None
    return await opening_progress(services.ctx, case_ref=_case_ref(action), action_id=action.id)


async def _reminder(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    if late_since is not None and await superseded(
        services.ctx, action, reminder_group(action.key)
    ):
        return Outcome.DROPPED, "a later reminder of the same thing is due now"
    result = await send_reminder(services.ctx, case_ref=_case_ref(action), payload=action.payload)
    return (Outcome.DONE if result.sent else Outcome.DROPPED), result.reason


async def _digest(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    if late_since is not None and await digest_superseded(services.ctx, action):
        return Outcome.DROPPED, "a newer digest for this chair is due now"
    sent = await send_digest(
        services.ctx, chair=str(action.payload["chair"]), late=late_since is not None
    )
    return (Outcome.DONE, "sent") if sent else (Outcome.DROPPED, "no open case")


async def _poll_responses(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    ctx = services.ctx
    case_ref = _case_ref(action)
    outcomes = await services.poll_responses(case_ref=case_ref)
    async with ctx.uow() as uow:
        case = await uow.cases.get(case_ref)
        if polling_matters(case, ctx.now()):  # until the meeting is over, or cancelled
            await plan_response_poll(ctx, uow, case, at=ctx.now())
        await uow.commit()
    return Outcome.DONE, f"{len(outcomes)} new responses"


async def _read_mailbox(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    ctx = services.ctx
    started = ctx.now()
    since = datetime.fromisoformat(action.payload["since"])
    read = await services.read_mailbox(since=since, seen_before=since + MAILBOX_OVERLAP)
    async with ctx.uow() as uow:  # the next reading overlaps a little: a repeat is refused
        await plan_mailbox_read(ctx, uow, since=started - MAILBOX_OVERLAP, after=started)
        await uow.commit()
    return Outcome.DONE, f"{sum(1 for r in read if r.recorded)} returns recorded"


async def _email_panel(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    sent = await email_panel(services.ctx, case_ref=_case_ref(action))
    return Outcome.DONE, f"emailed ({sent})"


async def _send_papers(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    result = await send_papers(
        services.ctx,
        case_ref=_case_ref(action),
        version=int(action.payload["version"]),
        planned_for=action.meant_for,
    )
    return (Outcome.DONE if result.sent else Outcome.DROPPED), result.reason


async def _tell_outcome(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    result = await tell_outcome(services.ctx, case_ref=_case_ref(action))
    return (Outcome.DONE if result.told else Outcome.DROPPED), result.reason


PERFORMERS: Mapping[str, Performer] = MappingProxyType(
    {
        "chase": Performer(_chase, to_people=True),
        "reminder": Performer(_reminder, to_people=True),
        "digest": Performer(_digest, to_people=True),
        # The opening of a case: the chairs hear at the first failure, since nothing else
        # on the case can happen until it is done.
        "open_channel": Performer(
            _open_channel, to_people=False, alert_at=1, progress=_opening_progress
        ),
        "poll_responses": Performer(_poll_responses, to_people=False),
        "read_mailbox": Performer(_read_mailbox, to_people=False),
        # The Panel is a national body, not a colleague's evening: the submission goes at once.
        "email_panel": Performer(_email_panel, to_people=False),
        # The papers and the outcome are read by people: they go out in working hours.
        "send_papers": Performer(_send_papers, to_people=True),
        "tell_outcome": Performer(_tell_outcome, to_people=True),
    }
)


def performer_for(action: DueAction, performers: Mapping[str, Performer]) -> Performer:
    performer = performers.get(action.kind)
    if performer is None:
        raise InvalidInput(f"no handler for due action kind '{action.kind}'")
    return performer

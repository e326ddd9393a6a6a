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
from datetime import date
from types import MappingProxyType

from bot.domain.errors import InvalidInput
from bot.domain.outbox import DueAction, Outcome
from bot.domain.playbook import ChaseStepKind
from bot.services.chasing import run_chase_step
from bot.services.facade import Services

# (services, action, late_since) -> (outcome, note). `late_since` is the working day the
# action was meant for when that whole working period has passed (downtime); else None.
Perform = Callable[[Services, DueAction, date | None], Awaitable[tuple[Outcome, str]]]


@dataclass(frozen=True, slots=True)
class Performer:
    run: Perform
    to_people: bool  # a message to a person: held until working hours


def _case_ref(action: DueAction) -> str:
    if not action.case_ref:
        raise InvalidInput(f"due action '{action.key}' ({action.kind}) names no case")
    return action.case_ref


async def _chase(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    result = await run_chase_step(
        services.ctx,
        case_ref=_case_ref(action),
        agency=str(action.payload["agency"]),
        step=ChaseStepKind(action.payload["step"]),
        due_on=late_since,
    )
    return (Outcome.DONE if result.sent else Outcome.DROPPED), result.reason


async def _open_channel(
    services: Services, action: DueAction, late_since: date | None
) -> tuple[Outcome, str]:
    case = await services.open_channel(case_ref=_case_ref(action))
    return Outcome.DONE, f"channel {case.channel}"


PERFORMERS: Mapping[str, Performer] = MappingProxyType(
    {
        "chase": Performer(_chase, to_people=True),
        "open_channel": Performer(_open_channel, to_people=False),
    }
)


def performer_for(action: DueAction, performers: Mapping[str, Performer]) -> Performer:
    performer = performers.get(action.kind)
    if performer is None:
        raise InvalidInput(f"no handler for due action kind '{action.kind}'")
    return performer

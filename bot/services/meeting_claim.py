"""One change to a case's meeting at a time: book, move and cancel hold the case's claim.

The outside call (an Outlook invite to 25 people) cannot be part of a database transaction,
so the claim is taken first, in its own short transaction, and refused there: a case already
booked, or someone else booking it right now, is told so before any diary is read or any
invite is sent. The change is then recorded, and the claim given back, in one transaction.
A holder that crashes leaves a claim that simply expires.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from bot.domain.authorisation import Operation, authorise
from bot.domain.cases import Case, parse_ref
from bot.domain.errors import Conflict, IllegalTransition
from bot.domain.stages import Action, Stage, next_stage
from bot.logging import get_logger
from bot.services.change import CaseChange, change_case, unknown_case_hidden
from bot.services.context import ServiceContext
from bot.services.meetings import booked, slot_label

log = get_logger(__name__)
T = TypeVar("T")
CLAIM_FOR = timedelta(minutes=2)  # longer than an invite takes, short enough to wait out
RECORD_ATTEMPTS = 3  # an unrelated edit saved at the same instant is no reason to give up


class ClaimLost(Conflict):
    code = "claim_lost"


@dataclass(slots=True)
class Claim:
    case: Case  # as it was when the claim was taken
    sequence: int  # this change's number: part of the invite's transaction id
    holder: str  # this attempt, and no other
    released: bool = False


@asynccontextmanager
async def claimed(
    ctx: ServiceContext, case_ref: str, *, actor: str, action: Action
) -> AsyncIterator[Claim]:
    """Hold the case's meeting for `action` until the block ends (or the claim expires)."""
    ref, holder, now = parse_ref(case_ref), secrets.token_hex(16), ctx.now()
    async with ctx.uow() as uow:
        # Claim first, then read: a booking recorded just before is then seen here.
        with unknown_case_hidden(ctx, actor, ref):
            sequence = await uow.booking_claims.claim(
                case_ref=ref, holder=holder, now=now, until=now + CLAIM_FOR
            )
            case = await uow.cases.get(ref)
        authorise(ctx.directory, actor, Operation.SCHEDULE, case)
        _refuse_unless_ready(ctx, case, action)
        if sequence is None:
            raise Conflict(
                f"Someone else is booking or changing the {ref} meeting right now. Wait a"
                " minute, look at the case channel, then try again if it is still needed."
            )
        await uow.commit()
    claim = Claim(case, sequence, holder)
    try:
        yield claim
    finally:
        if not claim.released:
            await _release(ctx, claim)


def _refuse_unless_ready(ctx: ServiceContext, case: Case, action: Action) -> None:
    if action is Action.BOOK_MEETING and case.stage is Stage.MEETING_BOOKED and case.meeting:
        when = slot_label(ctx, case.meeting.start, case.meeting.day)
        raise IllegalTransition(
            f"{case.ref} is already booked for {when}. To change it use /rapidreview move"
            f" {case.ref} <slot>, or cancel it first."
        )
    if action is not Action.BOOK_MEETING:
        booked(case)  # a move or a cancel needs a meeting: say so in those words
    next_stage(case.ref, case.stage, action)


async def record_under_claim(
    ctx: ServiceContext,
    claim: Claim,
    *,
    actor: str,
    apply: Callable[[CaseChange], Awaitable[T]],
) -> T:
    """Record what was done outside, and give the claim back, in one transaction; refused
    when the claim was lost meanwhile (it expired and someone else took it)."""
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            async with change_case(
                ctx, claim.case.ref, actor=actor, operation=Operation.SCHEDULE
            ) as change:
                if not await change.uow.booking_claims.release(
                    case_ref=claim.case.ref, holder=claim.holder, recorded=True
                ):
                    raise ClaimLost(
                        "someone else took over the meeting while the calendar was answering"
                    )
                result = await apply(change)
            claim.released = True
            return result
        except ClaimLost:
            raise
        except Conflict:  # the case was saved by someone else at the same instant: read again
            if attempt == RECORD_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


async def _release(ctx: ServiceContext, claim: Claim) -> None:
    """Let the next person in at once; if even this fails, the claim expires by itself."""
    try:
        async with ctx.uow() as uow:
            await uow.booking_claims.release(
                case_ref=claim.case.ref, holder=claim.holder, recorded=False
            )
            await uow.commit()
    except Exception as err:
        log.warning("booking_claim_kept", case_ref=claim.case.ref, error=type(err).__name__)

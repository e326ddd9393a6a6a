"""Booking, moving and cancelling the meeting: each under the case's claim (meeting_claim.py),
the calendar called outside any transaction, then the change recorded.

When the record fails after the calendar has acted (the claim was lost, the case moved on),
the calendar is put back where the case says it is: a lost booking's invite is withdrawn, so
nobody holds an invitation to a meeting the bot does not know about.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import NoReturn

from bot.domain.cases import Case
from bot.domain.errors import Conflict, DomainError, InvalidInput
from bot.domain.meeting import Meeting, Response, booking_transaction_id, cancellation_reason
from bot.domain.slots import RankedSlot
from bot.domain.stages import Action
from bot.logging import get_logger
from bot.services.change import CaseChange, announce
from bot.services.context import ServiceContext
from bot.services.meeting_claim import Claim, ClaimLost, claimed, record_under_claim
from bot.services.meetings import (
    booked,
    day_in_window,
    find_meeting_slots,
    meeting_invitees,
    plan_meeting_follow_up,
    slot_label,
)
from bot.services.not_now import for_a_person
from bot.services.papers import plan_papers

log = get_logger(__name__)
OFFERED = 40  # as many slots as a chair is shown with Book buttons
WITHDRAWN = (
    "Sent in error, please ignore: this Rapid Review meeting was not booked at this time."
    " A meeting that stands comes in its own invitation."
)


async def book_meeting(
    ctx: ServiceContext, *, case_ref: str, slot: RankedSlot, actor: str
) -> Meeting:
    """Book a slot already chosen (the text command's `book <number>`)."""
    async with claimed(ctx, case_ref, actor=actor, action=Action.BOOK_MEETING) as claim:
        with _not_done(claim, "booked"):
            return await _book(ctx, claim, slot, actor=actor)


async def book_offered_start(
    ctx: ServiceContext, *, case_ref: str, start: datetime, actor: str
) -> Meeting:
    """The Book button: the slot starting at `start`, if it is still free and quorate now
    (diaries change between the offer and the press). The claim comes before the diaries."""
    async with claimed(ctx, case_ref, actor=actor, action=Action.BOOK_MEETING) as claim:
        with _not_done(claim, "booked"):
            offer = await find_meeting_slots(ctx, case_ref=case_ref, actor=actor, limit=OFFERED)
            slot = next(
                (s for s in offer.proposal.slots if s.start == start and s.quorum.met), None
            )
            if slot is None:
                raise InvalidInput(
                    "That slot is no longer free and quorate; run /rapidreview schedule again."
                )
            return await _book(ctx, claim, slot, actor=actor)


def _not_done(claim: Claim, done: str) -> AbstractContextManager[None]:
    """Outlook down while a person books (moves, cancels): say so. The claim goes back as the
    block ends, so their Try again can do it, once: the claim admits one change at a time."""
    ref = claim.case.ref
    return for_a_person(f"The {ref} meeting was not {done}: Outlook did not answer", case_ref=ref)


async def _book(ctx: ServiceContext, claim: Claim, slot: RankedSlot, *, actor: str) -> Meeting:
    case = claim.case
    day = day_in_window(ctx, case, slot)
    invitees = meeting_invitees(ctx, case)
    optional = list(invitees.optional)
    # Deputies the fallback search needed (their principal busy) come in the principal's place.
    required = [*invitees.required, *sorted(slot.free - set(invitees.everyone))]
    event = await ctx.calendar.create_event(
        subject=ctx.safe(case, f"Rapid Review meeting: {case.ref}", "calendar subject"),
        body=f"Agenda: the facts, immediate safeguarding, learning, and the decision on"
        f" {case.ref}. Papers and discussion in the case channel.",
        start=slot.start,
        end=slot.end,
        required=required,
        optional=optional,
        transaction_id=booking_transaction_id(case.ref, claim.sequence, slot.start),
    )
    meeting = Meeting(
        start=slot.start,
        end=slot.end,
        day=day,
        event_id=event.id,
        ical_uid=event.ical_uid,
        join_url=event.join_url,
    )
    observers = set(invitees.information_only)
    for email in required + optional:
        meeting.invite(email, information_only=email in observers)

    async def record(change: CaseChange) -> Case:
        change.case.apply(Action.BOOK_MEETING)
        change.case.meeting = meeting
        await plan_meeting_follow_up(ctx, change.uow, change.case)
        change.record(
            "meeting_booked",
            start=slot.start.isoformat(),
            event_id=event.id,
            sequence=claim.sequence,
        )
        return change.case

    try:
        case = await record_under_claim(ctx, claim, actor=actor, apply=record)
    except Exception as err:
        await _withdraw(ctx, case, event.id, err)
    local = slot.start.astimezone(ctx.zone)
    await announce(
        ctx,
        case,
        f"Rapid Review meeting booked for {local:%A %d %B %H:%M} (day {day}); "
        f"{len(meeting.invitations)} invited. {slot.quorum.summary}."
        + (f"\nJoin on Teams: {meeting.join_url}" if meeting.join_url else ""),
    )
    return meeting


async def _withdraw(ctx: ServiceContext, case: Case, event_id: str, err: Exception) -> NoReturn:
    """The booking lost (or could not be saved): cancel the invite it sent, and say so."""
    why = _reason(err)
    log.warning("booking_withdrawn", case_ref=case.ref, error=type(err).__name__)
    try:
        await ctx.calendar.cancel_event(event_id=event_id, comment=WITHDRAWN)
    except Exception as failed:
        log.error("booking_not_withdrawn", case_ref=case.ref, error=type(failed).__name__)
        raise Conflict(
            f"The meeting could not be booked ({why}), and the invitation already sent could"
            f" not be withdrawn: cancel the Outlook meeting 'Rapid Review meeting: {case.ref}'"
            " by hand, then look at the case channel for the meeting that stands."
        ) from err
    raise Conflict(
        f"The meeting could not be booked: {why}. The invitation it had sent has been"
        " withdrawn; look at the case channel for the meeting that stands."
    ) from err


def _reason(err: Exception) -> str:
    if isinstance(err, DomainError):
        return err.message.rstrip(".")
    return "the case could not be saved"


async def move_meeting(
    ctx: ServiceContext, *, case_ref: str, slot: RankedSlot, actor: str
) -> Meeting:
    """Move the booked meeting to another quorate slot in the window; everyone is asked again."""
    async with claimed(ctx, case_ref, actor=actor, action=Action.MOVE_MEETING) as claim:
        before = booked(claim.case)
        day = day_in_window(ctx, claim.case, slot)
        if not slot.quorum.met:
            raise InvalidInput(f"That slot is not quorate: {slot.quorum.summary}.")
        with _not_done(claim, "moved"):
            await ctx.calendar.move_event(event_id=before.event_id, start=slot.start, end=slot.end)

        async def record(change: CaseChange) -> Case:
            meeting = _same_meeting(change.case, before.event_id)
            change.case.apply(Action.MOVE_MEETING)
            meeting.start, meeting.end, meeting.day = slot.start, slot.end, day
            for invitation in meeting.invitations.values():
                invitation.response = Response.NONE
            await plan_meeting_follow_up(ctx, change.uow, change.case)
            change.record("meeting_moved", start=slot.start.isoformat(), event_id=before.event_id)
            return change.case

        try:
            case = await record_under_claim(ctx, claim, actor=actor, apply=record)
        except Exception as err:
            await _put_back(ctx, claim.case, before, err)
    await announce(
        ctx,
        case,
        f"Rapid Review meeting moved to {slot_label(ctx, slot.start, day)}; the invitees are"
        f" asked again. {slot.quorum.summary}.",
    )
    return booked(case)


def _same_meeting(case: Case, event_id: str) -> Meeting:
    meeting = booked(case)
    if meeting.event_id != event_id:
        raise ClaimLost("the meeting was changed by someone else meanwhile")
    return meeting


async def _put_back(ctx: ServiceContext, case: Case, before: Meeting, err: Exception) -> NoReturn:
    """A move that could not be recorded: the calendar goes back to the recorded time."""
    why = _reason(err)
    log.warning("move_undone", case_ref=case.ref, error=type(err).__name__)
    was = slot_label(ctx, before.start, before.day)
    try:
        await ctx.calendar.move_event(event_id=before.event_id, start=before.start, end=before.end)
    except Exception as failed:
        log.error("move_not_undone", case_ref=case.ref, error=type(failed).__name__)
        raise Conflict(
            f"The move could not be recorded ({why}), and the Outlook meeting could not be put"
            f" back to {was}: move it back by hand, then try again."
        ) from err
    raise Conflict(
        f"The move could not be recorded: {why}. The meeting stays at {was}; invitees may be"
        " asked to confirm it again."
    ) from err


async def cancel_meeting(ctx: ServiceContext, *, case_ref: str, reason: str, actor: str) -> Case:
    """Cancel the booked meeting with a reason the invitees see; the case needs a new one."""
    said = cancellation_reason(reason)
    async with claimed(ctx, case_ref, actor=actor, action=Action.CANCEL_MEETING) as claim:
        event_id = booked(claim.case).event_id
        # Plain text in every invitee's email: checked for personal data, not escaped.
        comment = ctx.guard(claim.case).check(said, "message")
        with _not_done(claim, "cancelled"):
            await ctx.calendar.cancel_event(event_id=event_id, comment=comment)

        async def record(change: CaseChange) -> Case:
            _same_meeting(change.case, event_id)
            change.case.apply(Action.CANCEL_MEETING)
            change.case.meeting = None
            await plan_papers(ctx, change.uow, change.case)  # back to the circulation day
            change.record("meeting_cancelled", event_id=event_id, reason=comment)
            return change.case

        try:
            case = await record_under_claim(ctx, claim, actor=actor, apply=record)
        except Exception as err:
            raise Conflict(
                f"The invitees were told the meeting is cancelled, but the case could not be"
                f" updated ({_reason(err)}); run the cancel again to record it."
            ) from err
    await announce(
        ctx,
        case,
        f"Rapid Review meeting cancelled: {ctx.chat.escape(comment)}. Book another inside the"
        " window: /rapidreview schedule",
    )
    return case

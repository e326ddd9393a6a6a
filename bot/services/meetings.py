"""The Rapid Review meeting: whom to invite, the quorate slots to offer, and its follow-up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.authorisation import Operation
from bot.domain.cases import Case
from bot.domain.directory import Partner
from bot.domain.errors import InvalidInput
from bot.domain.invitation import MeetingInvitation, meeting_invitation
from bot.domain.meeting import Meeting
from bot.domain.quorum import Roster
from bot.domain.slots import (
    RankedSlot,
    SlotProposal,
    SlotSearch,
    find_slots,
    non_overlapping,
)
from bot.ports import UnitOfWork
from bot.services.change import read_case
from bot.services.context import ServiceContext
from bot.services.not_now import for_a_person
from bot.services.reminders import plan_case_reminders
from bot.services.routines import plan_response_poll

STEP = timedelta(minutes=15)


def meeting_invitees(ctx: ServiceContext, case: Case) -> MeetingInvitation:
    """The playbook's meeting audience for this case (`bot.domain.invitation`)."""
    return meeting_invitation(ctx.playbook, ctx.directory, case.agencies, case.observers)


def _stand_ins(ctx: ServiceContext, invited: MeetingInvitation) -> dict[str, str]:
    """Each invited principal's named deputy, by the principal's email (lower-cased); not a
    deputy invited anyway in another role (they are counted as invited)."""
    everyone = {e.lower() for e in invited.everyone}
    return {
        a.decision_maker.lower(): a.deputy
        for p in Partner
        if (a := ctx.directory.partner_agency(p)).deputy
        and a.deputy.lower() not in everyone
        and a.decision_maker
        and a.decision_maker.lower() in everyone
    }


def _as_invited(slot: RankedSlot, stand_ins: dict[str, str]) -> RankedSlot:
    """The slot as its invitation would be: a deputy only for a principal who is busy and
    only if the deputy is free; other deputies are neither invited nor counted."""
    free = {e.lower() for e in slot.free}
    needed = {d.lower() for p, d in stand_ins.items() if p not in free and d.lower() in free}
    unneeded = {d.lower() for d in stand_ins.values()} - needed
    return replace(
        slot,
        free=frozenset(e for e in slot.free if e.lower() not in unneeded),
        busy=frozenset(e for e in slot.busy if e.lower() not in unneeded | needed),
    )


@dataclass(frozen=True, slots=True)
class SlotOffer:
    proposal: SlotProposal
    with_deputies: bool  # True when only the deputies' diaries made a quorate slot possible
    invitation: MeetingInvitation | None = None  # whom booking one of these slots invites
    case_ref: str = ""


async def find_meeting_slots(
    ctx: ServiceContext, *, case_ref: str, actor: str, limit: int = 5
) -> SlotOffer:
    """Rank slots in the meeting window still ahead; deputies are consulted only if needed."""
    case = await read_case(ctx, case_ref, actor=actor, operation=Operation.SCHEDULE)
    rules = ctx.playbook.meeting
    timetable = ctx.timetable(case)
    days = [
        (n, d)
        for n, d in timetable.window_days(rules.window.earliest, rules.window.latest)
        if d > ctx.today()
    ]
    if not days:
        raise InvalidInput(
            f"The meeting window of {case.ref} (days {rules.window.earliest}-"
            f"{rules.window.latest}) has passed; hold the meeting as soon as possible and"
            " record why it was late."
        )
    invitees = meeting_invitees(ctx, case)
    stand_ins = _stand_ins(ctx, invitees)
    deputies = list(stand_ins.values())
    hours = ctx.playbook.working_hours
    with for_a_person(
        f"No slots were found for {case.ref}: the diaries could not be read just now",
        case_ref=case.ref,
    ):
        busy = await ctx.calendar.free_busy(
            people=[*invitees.everyone, *deputies],
            start=ctx.at_local(days[0][1], hours.start),
            end=ctx.at_local(days[-1][1], hours.end),
        )
    observers = invitees.information_only
    principals = Roster.build(ctx.directory, invitees.everyone, information_only=observers)
    with_deputies = Roster.build(
        ctx.directory, [*invitees.everyone, *deputies], information_only=observers
    )
    # Deputies' diaries are consulted only when the principals cannot make any quorate slot.
    # First the days when the meeting can work well: inside the guidance's preferred days, and
    # after the returns are due and the papers are out; then anywhere in the window.
    ready = ctx.playbook.information_deadline + rules.papers_days_before
    preferred = rules.preferred or rules.window
    narrow = [(n, d) for n, d in days if max(preferred.earliest, ready) <= n <= preferred.latest]
    searches = [narrow, days] if narrow and narrow != days else [days]
    explained: SlotProposal | None = None  # principals over the whole window explain best
    for roster, fallback in ((principals, False), (with_deputies, True)):
        for window_days in searches:
            search = SlotSearch(
                window=window_days,
                hours=hours,
                duration=timedelta(minutes=rules.duration_minutes),
                step=STEP,
            )
            everything = find_slots(search, ctx.playbook.quorum, roster, busy, limit=10_000)
            if fallback:  # count the deputies the invitation would hold, and no others
                ranked = sorted((_as_invited(s, stand_ins) for s in everything.slots), key=_rank)
                everything = replace(everything, slots=tuple(ranked))
            # Offer distinct choices: overlapping starts on one morning are one choice.
            proposal = replace(everything, slots=non_overlapping(everything.slots, limit))
            if proposal.any_quorate:
                return SlotOffer(proposal, fallback, invitees, case.ref)
            if not fallback and window_days is days:
                explained = proposal
    assert explained is not None
    return SlotOffer(explained, False, invitees, case.ref)


def _rank(slot: RankedSlot) -> tuple[bool, int, datetime]:
    return slot.rank


async def plan_meeting_follow_up(ctx: ServiceContext, uow: UnitOfWork, case: Case) -> None:
    """The meeting's reminders (papers, the eve) and the polling of its responses."""
    await plan_case_reminders(ctx, uow, case)
    await plan_response_poll(ctx, uow, case, at=ctx.now())


def day_in_window(ctx: ServiceContext, case: Case, slot: RankedSlot) -> int:
    window = ctx.playbook.meeting.window
    day = ctx.day_of(case, slot.start.astimezone(ctx.zone).date())
    if not window.earliest <= day <= window.latest:
        raise InvalidInput(
            f"That slot is on working day {day}; the meeting must be between day"
            f" {window.earliest} and day {window.latest}."
        )
    return day


def booked(case: Case) -> Meeting:
    if case.meeting is None:
        raise InvalidInput(f"{case.ref} has no meeting booked yet: /rapidreview schedule.")
    return case.meeting


def slot_label(ctx: ServiceContext, start: datetime, day: int) -> str:
    return f"{start.astimezone(ctx.zone):%a %d %b %H:%M} (day {day})"

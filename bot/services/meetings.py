"""The Rapid Review meeting: whom to invite, the quorate slots to offer, and its follow-up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.domain.authorisation import Operation
from bot.domain.cases import Case
from bot.domain.directory import Partner, Role
from bot.domain.errors import InvalidInput
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
from bot.services.reminders import plan_case_reminders
from bot.services.routines import plan_response_poll

STEP = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Invitees:
    required: tuple[str, ...]  # the chair and the partners' decision makers
    optional: tuple[str, ...]  # other agencies' SPOCs and the independent advisor

    @property
    def everyone(self) -> tuple[str, ...]:
        return self.required + self.optional


def meeting_invitees(ctx: ServiceContext, case: Case) -> Invitees:
    d = ctx.directory
    required = [p.email for p in d.with_role(Role.CHAIR)]
    if any(seat.role == "partnership_manager" for seat in ctx.playbook.quorum.required):
        required += [p.email for p in d.with_role(Role.PARTNERSHIP_MANAGER)]
    required += ctx.partner_decision_makers()
    optional = [
        agency.spoc
        for code in case.agencies
        if (agency := d.agency(code)) is not None and agency.partner is None
    ]
    optional += [p.email for p in d.with_role(Role.INDEPENDENT_ADVISOR)]
    return Invitees(tuple(dict.fromkeys(required)), tuple(dict.fromkeys(optional)))


def _deputies(ctx: ServiceContext) -> list[str]:
    return [a.deputy for p in Partner if (a := ctx.directory.partner_agency(p)).deputy]


@dataclass(frozen=True, slots=True)
class SlotOffer:
    proposal: SlotProposal
    with_deputies: bool  # True when only the deputies' diaries made a quorate slot possible


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
    hours = ctx.playbook.working_hours
    busy = await ctx.calendar.free_busy(
        people=[*invitees.everyone, *_deputies(ctx)],
        start=ctx.at_local(days[0][1], hours.start),
        end=ctx.at_local(days[-1][1], hours.end),
    )
    principals = Roster.build(ctx.directory, invitees.everyone)
    with_deputies = Roster.build(ctx.directory, [*invitees.everyone, *_deputies(ctx)])
    # Deputies' diaries are consulted only when the principals cannot make any quorate slot.
    # First the days when the meeting can work well: inside the guidance's preferred days, and
    # after the returns are due and the papers are out; then anywhere in the window.
    ready = ctx.playbook.information_deadline + rules.papers_days_before
    preferred = rules.preferred or rules.window
    narrow = [(n, d) for n, d in days if max(preferred.earliest, ready) <= n <= preferred.latest]
    searches = [narrow, days] if narrow and narrow != days else [days]
    explained: SlotProposal | None = None  # principals over the whole window explain best
    for roster, deputies in ((principals, False), (with_deputies, True)):
        for window_days in searches:
            search = SlotSearch(
                window=window_days,
                hours=hours,
                duration=timedelta(minutes=rules.duration_minutes),
                step=STEP,
            )
            everything = find_slots(search, ctx.playbook.quorum, roster, busy, limit=10_000)
            # Offer distinct choices: overlapping starts on one morning are one choice.
            proposal = replace(everything, slots=non_overlapping(everything.slots, limit))
            if proposal.any_quorate:
                return SlotOffer(proposal, with_deputies=deputies)
            if not deputies and window_days is days:
                explained = proposal
    assert explained is not None
    return SlotOffer(explained, with_deputies=False)


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

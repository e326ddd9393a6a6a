"""The Rapid Review meeting: quorate slots, booking, responses, deputies and attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.authorisation import Operation, authorise
from bot.domain.cases import Case, parse_ref
from bot.domain.directory import Partner, Role
from bot.domain.errors import InvalidInput
from bot.domain.meeting import Meeting, Response
from bot.domain.quorum import QuorumResult, Roster, evaluate
from bot.domain.slots import RankedSlot, SlotProposal, SlotSearch, find_slots
from bot.domain.stages import Action
from bot.services.context import ServiceContext

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
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
    authorise(ctx.directory, actor, Operation.SCHEDULE, case)
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
            proposal = find_slots(search, ctx.playbook.quorum, roster, busy, limit=limit)
            if proposal.any_quorate:
                return SlotOffer(proposal, with_deputies=deputies)
            if not deputies and window_days is days:
                explained = proposal
    assert explained is not None
    return SlotOffer(explained, with_deputies=False)


async def book_meeting(
    ctx: ServiceContext, *, case_ref: str, slot: RankedSlot, actor: str
) -> Meeting:
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.SCHEDULE, case)
        window = ctx.playbook.meeting.window
        day = ctx.day_of(case, slot.start.astimezone(ctx.zone).date())
        if not window.earliest <= day <= window.latest:
            raise InvalidInput(
                f"That slot is on working day {day}; the meeting must be between day"
                f" {window.earliest} and day {window.latest}."
            )
        case.apply(Action.BOOK_MEETING)
        invitees = meeting_invitees(ctx, case)
        required = [e for e in invitees.required]
        optional = [e for e in invitees.optional]
        for email in slot.free - set(invitees.everyone):  # deputies chosen by the fallback
            required.append(email)
        subject = ctx.guard(case).check(f"Rapid Review meeting: {case.ref}", "calendar subject")
        event_id = await ctx.calendar.create_event(
            subject=subject,
            body=f"Agenda: the facts, immediate safeguarding, learning, and the decision on"
            f" {case.ref}. Papers and discussion in the case channel.",
            start=slot.start,
            end=slot.end,
            required=required,
            optional=optional,
            transaction_id=f"{case.ref}:meeting:{slot.start:%Y%m%dT%H%M}",
        )
        meeting = Meeting(start=slot.start, end=slot.end, day=day, event_id=event_id)
        for email in required + optional:
            meeting.invite(email)
        case.meeting = meeting
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="meeting_booked",
            case_ref=case.ref,
            detail={"start": slot.start.isoformat(), "event_id": event_id},
        )
        await uow.commit()
    local = slot.start.astimezone(ctx.zone)
    await ctx.chat.post(
        channel=case.channel,
        text=f"Rapid Review meeting booked for {local:%A %d %B %H:%M} (day {day}); "
        f"{len(meeting.invitations)} invited. {slot.quorum.summary}.",
    )
    await ctx.chat.update_case_card(channel=case.channel, card=ctx.card(case))
    return meeting


@dataclass(frozen=True, slots=True)
class ResponseOutcome:
    quorum: QuorumResult
    broke_quorum: bool
    remedies: tuple[str, ...]


def expected_quorum(ctx: ServiceContext, meeting: Meeting) -> QuorumResult:
    roster = Roster.build(
        ctx.directory, meeting.invitations, information_only=meeting.information_only()
    )
    return evaluate(ctx.playbook.quorum, roster, meeting.expected())


async def record_response(
    ctx: ServiceContext, *, case_ref: str, email: str, response: Response, actor: str
) -> ResponseOutcome:
    """Store an invitee's answer; a decline that breaks quorum reaches the chair at once."""
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        if actor != email:
            authorise(ctx.directory, actor, Operation.RECORD_RESPONSE, case)
        meeting = _booked(case)
        if email not in meeting.invitations:
            raise InvalidInput(f"{email} is not invited to the {case.ref} meeting.")
        before = expected_quorum(ctx, meeting)
        meeting.respond(email, response)
        after = expected_quorum(ctx, meeting)
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="meeting_response",
            case_ref=case.ref,
            detail={"invitee": email, "response": response.value},
        )
        await uow.commit()
    broke = before.met and not after.met
    declined = response is Response.DECLINED
    remedies = _remedies(ctx, meeting, email) if broke or declined else ()
    if declined and not broke and len(remedies) > 1:  # a decision maker with a deputy
        await ctx.chat.post(
            channel=case.channel,
            text=f"{ctx.name(email)} declined the {case.ref} meeting. {after.summary}."
            f"\n  • {remedies[0]}",
        )
    if broke:
        chairs = " ".join(f"@{ctx.name(c)}" for c in ctx.chairs())
        options = "\n".join(f"  • {r}" for r in remedies)
        await ctx.chat.post(
            channel=case.channel,
            text=f"{chairs} Quorum broken: {ctx.name(email)} {response.value} the {case.ref}"
            f" meeting. {after.summary}.\nRemedies:\n{options}",
        )
    return ResponseOutcome(after, broke, remedies)


def _remedies(ctx: ServiceContext, meeting: Meeting, email: str) -> tuple[str, ...]:
    remedies: list[str] = []
    for agency, _role in ctx.directory.agencies_of(email):
        if agency.decision_maker == email and agency.deputy:
            remedies.append(
                f"Invite the deputy, {ctx.name(agency.deputy)} ({agency.name}):"
                f" /rapidreview invite-deputy {email}"
            )
    remedies.append("Pick another quorate slot inside the window: /rapidreview schedule")
    return tuple(remedies)


async def invite_deputy(ctx: ServiceContext, *, case_ref: str, principal: str, actor: str) -> str:
    agency = next(
        (a for a, _ in ctx.directory.agencies_of(principal) if a.decision_maker == principal),
        None,
    )
    if agency is None or agency.deputy is None:
        raise InvalidInput(f"{ctx.name(principal)} has no named deputy in the directory.")
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.SCHEDULE, case)
        meeting = _booked(case)
        await ctx.calendar.add_attendee(event_id=meeting.event_id, email=agency.deputy)
        meeting.invite(agency.deputy)
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="deputy_invited",
            case_ref=case.ref,
            detail={"principal": principal, "deputy": agency.deputy},
        )
        await uow.commit()
    quorum = expected_quorum(ctx, meeting)
    await ctx.chat.post(
        channel=case.channel,
        text=f"{ctx.name(agency.deputy)} invited as deputy for {ctx.name(principal)}."
        f" {quorum.summary}.",
    )
    return agency.deputy


async def record_attendance(
    ctx: ServiceContext, *, case_ref: str, present: list[str], actor: str
) -> QuorumResult:
    """Who came; only a quorate meeting moves the case on to the decision."""
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.RECORD_ATTENDANCE, case)
        meeting = _booked(case)
        if ctx.now() < meeting.start:
            starts = meeting.start.astimezone(ctx.zone)
            raise InvalidInput(
                f"The {case.ref} meeting starts {starts:%a %d %b %H:%M}; attendance can be"
                " recorded once it has begun."
            )
        unknown = [e for e in present if ctx.directory.person(e) is None]
        if unknown:
            raise InvalidInput(f"Not in the directory: {', '.join(unknown)}.")
        roster = Roster.build(
            ctx.directory,
            {*meeting.invitations, *present},
            information_only=meeting.information_only(),
        )
        result = evaluate(ctx.playbook.quorum, roster, present)
        meeting.attended = frozenset(present)
        if result.met:
            case.apply(Action.HOLD_MEETING)
            meeting.held_on = ctx.today()
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="attendance_recorded",
            case_ref=case.ref,
            detail={"present": sorted(present), "quorate": result.met},
        )
        await uow.commit()
    verdict = "the meeting was quorate" if result.met else "NOT quorate: no decision can be taken"
    await ctx.chat.post(
        channel=case.channel,
        text=f"Attendance recorded: {len(present)} present; {verdict}. {result.summary}.",
    )
    await ctx.chat.update_case_card(channel=case.channel, card=ctx.card(case))
    return result


async def check_quorum(ctx: ServiceContext, *, case_ref: str, actor: str) -> QuorumResult:
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
    authorise(ctx.directory, actor, Operation.VIEW_CASE, case)
    return expected_quorum(ctx, _booked(case))


def _booked(case: Case) -> Meeting:
    if case.meeting is None:
        raise InvalidInput(f"{case.ref} has no meeting booked yet: /rapidreview schedule.")
    return case.meeting


def slot_label(ctx: ServiceContext, start: datetime, day: int) -> str:
    return f"{start.astimezone(ctx.zone):%a %d %b %H:%M} (day {day})"

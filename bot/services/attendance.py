"""After booking: responses to the invite, deputies, and who actually attended."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.errors import InvalidInput
from bot.domain.meeting import Meeting, Response
from bot.domain.quorum import QuorumResult, Roster, evaluate
from bot.domain.stages import Action, Stage
from bot.ports import Button
from bot.services.change import announce, change_case, read_case
from bot.services.context import ServiceContext
from bot.services.meetings import booked


@dataclass(frozen=True, slots=True)
class ResponseOutcome:
    quorum: QuorumResult
    broke_quorum: bool
    remedies: tuple[str, ...]


def expected_quorum(ctx: ServiceContext, meeting: Meeting) -> QuorumResult:
    """Quorum among everyone who has not declined."""
    roster = Roster.build(
        ctx.directory, meeting.invitations, information_only=meeting.information_only()
    )
    return evaluate(ctx.playbook.quorum, roster, meeting.expected())


async def record_response(
    ctx: ServiceContext, *, case_ref: str, email: str, response: Response, actor: str
) -> ResponseOutcome:
    """Store an invitee's answer; a decline that breaks quorum reaches the chair at once."""
    # Invitees answer for themselves; anyone else needs an office role.
    operation = Operation.VIEW_CASE if actor == email else Operation.RECORD_RESPONSE
    async with change_case(ctx, case_ref, actor=actor, operation=operation) as change:
        case = change.case
        meeting = booked(case)
        if email not in meeting.invitations:
            raise InvalidInput(f"{email} is not invited to the {case.ref} meeting.")
        before = expected_quorum(ctx, meeting)
        meeting.respond(email, response)
        after = expected_quorum(ctx, meeting)
        change.record("meeting_response", invitee=email, response=response.value)
    # A tentative counts as expected; only a decline (or a tentative turned decline) can
    # break quorum, but the chair hears of any lost decision maker with a deputy.
    broke = before.met and not after.met
    declined = response is Response.DECLINED
    remedies = _remedies(ctx, case.ref, email) if broke or declined else ()
    if declined and not broke and len(remedies) > 1:  # a decision maker with a deputy
        await ctx.chat.post(
            channel=case.channel,
            text=f"{ctx.name(email)} declined the {case.ref} meeting. {after.summary}."
            f"\n  • {remedies[0].text}",
            buttons=[remedies[0].button],
        )
    if broke:
        chairs = await ctx.mentions(ctx.chairs())
        options = "\n".join(f"  • {r.text}" for r in remedies)
        await ctx.chat.post(
            channel=case.channel,
            text=f"{chairs} Quorum broken: {ctx.name(email)} {response.value} the {case.ref}"
            f" meeting. {after.summary}.\nRemedies:\n{options}",
            buttons=[r.button for r in remedies],
        )
    return ResponseOutcome(after, broke, tuple(r.text for r in remedies))


@dataclass(frozen=True, slots=True)
class Remedy:
    text: str  # with the command that does it, for surfaces without buttons
    button: Button


def _remedies(ctx: ServiceContext, ref: str, email: str) -> list[Remedy]:
    remedies = [
        Remedy(
            f"Invite the deputy, {ctx.name(agency.deputy)} ({agency.name}):"
            f" /rapidreview invite-deputy {email}",
            Button(f"Invite {ctx.name(agency.deputy)}", "invite_deputy", f"{ref}|{email}", True),
        )
        for agency, _role in ctx.directory.agencies_of(email)
        if agency.decision_maker == email and agency.deputy
    ]
    remedies.append(
        Remedy(
            "Pick another quorate slot inside the window: /rapidreview schedule",
            Button("Find another slot", "find_slots", ref),
        )
    )
    return remedies


async def poll_responses(ctx: ServiceContext, *, case_ref: str) -> list[ResponseOutcome]:
    """Read the invitees' answers back from the calendar and record each one that changed;
    a decline that breaks quorum alerts the chair as it is recorded."""
    case = await read_case(ctx, case_ref, actor=SYSTEM, operation=Operation.VIEW_CASE)
    if case.meeting is None or case.stage is not Stage.MEETING_BOOKED:
        return []
    answers = await ctx.calendar.responses(event_id=case.meeting.event_id)
    outcomes = []
    for email, response in sorted(answers.items()):
        invitation = case.meeting.invitations.get(email)
        if invitation is None or response is Response.NONE or invitation.response is response:
            continue
        outcomes.append(
            await record_response(
                ctx, case_ref=case.ref, email=email, response=response, actor=SYSTEM
            )
        )
    return outcomes


async def invite_deputy(ctx: ServiceContext, *, case_ref: str, principal: str, actor: str) -> str:
    agency = next(
        (a for a, _ in ctx.directory.agencies_of(principal) if a.decision_maker == principal),
        None,
    )
    if agency is None or agency.deputy is None:
        raise InvalidInput(f"{ctx.name(principal)} has no named deputy in the directory.")
    deputy = agency.deputy
    current = await read_case(ctx, case_ref, actor=actor, operation=Operation.SCHEDULE)
    # Outside any transaction; adding someone already invited changes nothing.
    await ctx.calendar.add_attendee(event_id=booked(current).event_id, email=deputy)
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.SCHEDULE) as change:
        meeting = booked(change.case)
        meeting.invite(deputy)
        change.record("deputy_invited", principal=principal, deputy=deputy)
    quorum = expected_quorum(ctx, meeting)
    await ctx.chat.post(
        channel=change.case.channel,
        text=f"{ctx.name(deputy)} invited as deputy for {ctx.name(principal)}. {quorum.summary}.",
    )
    return deputy


async def record_attendance(
    ctx: ServiceContext, *, case_ref: str, present: list[str], actor: str
) -> QuorumResult:
    """Who came; only a quorate meeting moves the case on to the decision."""
    async with change_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_ATTENDANCE
    ) as change:
        case = change.case
        meeting = booked(case)
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
        change.record("attendance_recorded", present=sorted(present), quorate=result.met)
    verdict = "the meeting was quorate" if result.met else "NOT quorate: no decision can be taken"
    await announce(
        ctx, case, f"Attendance recorded: {len(present)} present; {verdict}. {result.summary}."
    )
    return result


async def check_quorum(ctx: ServiceContext, *, case_ref: str, actor: str) -> QuorumResult:
    case = await read_case(ctx, case_ref, actor=actor, operation=Operation.VIEW_CASE)
    return expected_quorum(ctx, booked(case))

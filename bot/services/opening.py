"""Opening a case: its channel, then (for a notification) every agency's request.

Intake is transactional (ARCHITECTURE.md §3.6): the case and its opening, a row in the outbox,
commit together, and a worker does the opening at once. Whatever happens after the commit (a
process killed, chat down, one request refused) leaves the row to be run again, and a rerun
does only what is missing: the channel is created only if the case has none, the requests are
marked sent only once, and each message goes out once (`schedules/sent_once.py`).
"""

from __future__ import annotations

from bot.domain.authorisation import SYSTEM
from bot.domain.cases import Case
from bot.domain.outbox import DueAction
from bot.domain.stages import Stage, Track
from bot.logging import get_logger
from bot.ports import Bookmark, UnitOfWork
from bot.services.change import show_case
from bot.services.context import ServiceContext
from bot.services.delivery import prefers_email
from bot.services.requests import deliver_requests, mark_requests_sent

log = get_logger(__name__)
KIND = "open_channel"  # the outbox kind (its name predates the requests joining it)


def opening_key(case_ref: str) -> str:
    return f"{case_ref}:open_channel"


def needs_opening(case: Case, *, send_requests: bool) -> bool:
    """A case whose opening has not finished: no channel, or (for a notification) no
    requests yet."""
    unsent = case.track is Track.RAPID_REVIEW and case.stage is Stage.NOTIFIED
    return not case.channel or (send_requests and unsent)


async def plan_opening(
    ctx: ServiceContext, uow: UnitOfWork, case: Case, *, send_requests: bool
) -> bool:
    """The opening as an outbox row due now, in the caller's transaction. A row already there
    is brought back to run now (a repeat notification of a stranded case)."""
    return await uow.outbox.replan(
        DueAction(
            key=opening_key(case.ref),
            kind=KIND,
            due_at=ctx.now(),
            case_ref=case.ref,
            payload={"send_requests": send_requests},
        )
    )


async def run_opening(ctx: ServiceContext, *, case_ref: str, send_requests: bool) -> str:
    """The outbox's work: open the channel if there is none, then send the requests that are
    due and not yet delivered. Returns what was done, in words for the log."""
    case = await ensure_channel(ctx, case_ref=case_ref, requests_follow=send_requests)
    if not send_requests or case.track is not Track.RAPID_REVIEW:
        await show_case(ctx, case)
        return f"channel {case.channel}"
    if case.stage is Stage.NOTIFIED:
        case = await mark_requests_sent(ctx, case_ref=case.ref, actor=SYSTEM)
    delivered = await deliver_requests(ctx, case)  # its announcement posts the card
    return f"channel {case.channel}; {delivered} request(s) delivered"


async def opening_progress(ctx: ServiceContext, *, case_ref: str, action_id: int) -> str:
    """What is true so far, for the chairs' message when the opening keeps failing."""
    async with ctx.uow() as uow:
        case = await uow.cases.get(case_ref)
        sent = await uow.outbox.deliveries(action_id)
    channel = "its channel is open" if case.channel else "its channel is not open yet"
    if case.stage is Stage.NOTIFIED:
        return f"the case is recorded and its timetable runs; {channel}; no request is sent yet"
    spocs = [ctx.agency(r.agency).spoc for r in case.requests.values()]
    reached = sum(any(k.split(":")[1] == spoc for k in sent) for spoc in spocs)
    return (
        f"the case is recorded and its timetable runs; {channel};"
        f" {reached} of {len(spocs)} agencies have their request"
    )


async def ensure_channel(
    ctx: ServiceContext, *, case_ref: str, requests_follow: bool = False
) -> Case:
    """The case channel, created if the case has none, then set up: the timetable, anyone
    chat could not invite and the bookmarks (a rerun repeats none of them). The card comes
    after, once it has something true to show (the requests, when they are sent)."""
    async with ctx.uow() as uow:
        case = await uow.cases.get(case_ref)
    if not case.channel:
        # Requests about to go: the topic is set with the card, true from its first line.
        unsent = requests_follow and case.track is Track.RAPID_REVIEW
        case = await _create_channel(ctx, case, topic="" if unsent else ctx.topic(case))
    await _set_up(ctx, case)
    return case


async def _create_channel(ctx: ServiceContext, case: Case, *, topic: str) -> Case:
    name = ctx.guard(case).check(case.ref.lower(), "channel name")
    channel = await ctx.chat.open_case_channel(
        case_ref=name, members=sorted(case.members), topic=topic
    )
    async with ctx.uow() as uow:
        case = await uow.cases.get(case.ref)
        case.channel = channel
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=SYSTEM,
            action="channel_opened",
            case_ref=case.ref,
            detail={"channel": channel, "members": len(case.members)},
        )
        await uow.commit()
    log.info("channel_opened", case_ref=case.ref)
    return case


async def _how_reached(ctx: ServiceContext, email: str) -> str:
    """What will really happen to one person left out of the channel, as `deliver_to_person`
    will do it: a direct message for someone chat knows, else an email to their address."""
    if ctx.directory.person(email) is None:  # on the case, since gone from the directory
        return (
            f"• {email} is no longer in the partnership directory, so the bot will not reach"
            " them at all: add them back to the directory, or tell them yourself."
        )
    name = ctx.name(email)
    if not prefers_email(ctx, email) and await ctx.chat.can_message(email=email):
        return f"• {name} could not be invited: the bot sends them direct messages instead."
    return f"• {name} is not in chat: the bot emails them instead, at {email}."


async def _set_up(ctx: ServiceContext, case: Case) -> None:
    channel = case.channel
    timetable = ctx.timetable(case)
    lines = [f"{m.due:%a %d %b}  day {m.day:>2}  {m.title}" for m in timetable.milestones]
    earliest, latest = timetable.meeting_window
    lines.append(f"Meeting window: {earliest:%a %d %b} to {latest:%a %d %b}.")
    await ctx.chat.post(
        channel=channel,
        text=f"Case {case.ref} opened ({ctx.playbook.name}). Timetable:\n" + "\n".join(lines),
    )
    missing = await ctx.chat.missing_members(channel=channel)
    if missing:
        chairs = await ctx.mentions(ctx.chairs())
        lines = [await _how_reached(ctx, email) for email in missing]
        await ctx.chat.post(
            channel=channel,
            text=f"{chairs} Not in this channel, so they cannot read it:\n" + "\n".join(lines),
        )
    if ctx.public_base_url:
        base = ctx.public_base_url.rstrip("/")
        await ctx.chat.add_bookmarks(
            channel=channel,
            bookmarks=[
                Bookmark(
                    "Timetable", f"{base}/timetable/{case.playbook}?notified={case.notified_on}"
                ),
                Bookmark("Decision record form", f"{base}/decision-record"),
            ],
        )

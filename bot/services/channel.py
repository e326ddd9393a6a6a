"""The case channel: opened after the case is safe in the database, retried if chat fails.

A case is never left half-open in silence: if the chat service refuses, the case stays open
and its timetable runs, the opening is retried from the outbox, and the chairs are emailed.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.cases import Case
from bot.domain.outbox import DueAction
from bot.logging import get_logger
from bot.ports import Bookmark
from bot.services.context import ServiceContext

log = get_logger(__name__)
RETRY_AFTER = timedelta(minutes=1)


def open_channel_key(case_ref: str) -> str:
    return f"{case_ref}:open_channel"


async def open_channel(ctx: ServiceContext, *, case_ref: str, actor: str) -> Case:
    """Open (or, on a retry, finish opening) the channel; a no-op once it has one."""
    async with ctx.uow() as uow:
        case = await uow.cases.get(case_ref)
    if case.channel:
        return case
    name = ctx.guard(case).check(case.ref.lower(), "channel name")
    channel = await ctx.chat.open_case_channel(
        case_ref=name, members=sorted(case.members), topic=ctx.topic(case)
    )
    async with ctx.uow() as uow:
        case = await uow.cases.get(case_ref)
        case.channel = channel
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="channel_opened",
            case_ref=case.ref,
            detail={"channel": channel, "members": len(case.members)},
        )
        await uow.commit()
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
        names = ", ".join(ctx.name(e) for e in missing)
        await ctx.chat.post(
            channel=channel,
            text=f"{chairs} Not in this channel (chat could not find or invite them): {names}."
            " The bot reaches them by direct message or email instead.",
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
    await ctx.chat.update_case_card(channel=channel, card=ctx.card(case))
    return case


async def channel_failed(ctx: ServiceContext, case: Case, err: Exception, *, actor: str) -> None:
    """Plan the retry and tell the chairs, by email: chat is what just failed."""
    reason = getattr(err, "message", None) or type(err).__name__
    async with ctx.uow() as uow:
        await uow.outbox.plan(
            DueAction(
                key=open_channel_key(case.ref),
                kind="open_channel",
                due_at=ctx.now() + RETRY_AFTER,
                case_ref=case.ref,
            )
        )
        await ctx.audit(
            uow,
            actor=actor,
            action="channel_open_failed",
            case_ref=case.ref,
            detail={"reason": reason},
        )
        await uow.commit()
    log.warning("channel_open_failed", case_ref=case.ref, error=type(err).__name__)
    subject = ctx.safe(case, f"Rapid Review: {case.ref} channel not opened yet", "email subject")
    await ctx.mail.send(
        to=ctx.chairs(),
        subject=subject,
        body=f"{case.ref} is open and its timetable runs, but its chat channel could not be"
        f" opened: {reason}. The bot keeps trying and will post in the channel once it exists.",
    )

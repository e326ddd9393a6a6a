"""Milestone, meeting, ratification and Panel-deadline reminders: planned into the outbox as
the case moves, and each sent (or dropped, if it no longer matters) when it comes due.

A reminder is one post in the case channel mentioning the people it is for, so that everyone
on the case sees the same timetable being kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.cases import Case
from bot.domain.outbox import DueAction
from bot.domain.papers import PAPERS_GO_OUT_AT
from bot.domain.playbook import Audience
from bot.domain.reminders import ReminderKind, plan_reminders, still_matters
from bot.domain.stages import NEXT_STEP
from bot.ports import UnitOfWork
from bot.services.change import read_case, show_case
from bot.services.context import ServiceContext
from bot.services.papers import plan_papers
from bot.services.wording import plural


async def plan_case_reminders(ctx: ServiceContext, uow: UnitOfWork, case: Case) -> int:
    """Plan every reminder still ahead (idempotent: planning again adds nothing), and the
    papers' first version on the papers day as it now is."""
    await plan_papers(ctx, uow, case)
    today, added = ctx.today(), 0
    timetable = ctx.timetable(case)
    for r in plan_reminders(case, timetable, ctx.playbook, ctx.workdays):
        if r.on < today or still_matters(case, r.kind, r.payload) is not None:
            continue
        added += await uow.outbox.plan(
            DueAction(
                key=r.key,
                kind="reminder",
                due_at=ctx.opening_time(r.on),
                case_ref=case.ref,
                payload={"reminder": r.kind.value, "audience": [a.value for a in r.audience]}
                | r.payload,
            )
        )
    return added


@dataclass(frozen=True, slots=True)
class ReminderOutcome:
    sent: bool
    reason: str


async def send_reminder(
    ctx: ServiceContext, *, case_ref: str, payload: dict[str, Any]
) -> ReminderOutcome:
    """Worded for the day it goes out, not the day it was planned for: one that runs late
    (after an outage) says what is true now, e.g. how long ago a deadline passed."""
    case = await read_case(ctx, case_ref, actor=SYSTEM, operation=Operation.VIEW_CASE)
    kind = ReminderKind(payload["reminder"])
    why_not = still_matters(case, kind, payload)
    if why_not is None and kind in (ReminderKind.PAPERS, ReminderKind.MEETING_EVE):
        start = datetime.fromisoformat(str(payload["meeting_start"]))
        why_not = "the meeting has begun" if start <= ctx.now() else None
    if why_not is not None:
        return ReminderOutcome(False, why_not)
    text = _wording(ctx, case, kind, payload)
    people = ctx.audience_emails(Audience(a) for a in payload.get("audience", []))
    mentions = await ctx.mentions(people)
    await ctx.chat.post(channel=case.channel, text=f"{mentions} {text}".strip())
    await show_case(ctx, case)  # a milestone's day: what is next may have moved on
    return ReminderOutcome(True, "the case channel")


def _wording(ctx: ServiceContext, case: Case, kind: ReminderKind, payload: dict[str, Any]) -> str:
    timetable = ctx.timetable(case)
    ref = case.ref
    if kind is ReminderKind.MILESTONE:
        m = timetable.milestone(str(payload["milestone"]))
        if m.due < ctx.today():
            return f"Overdue for {ref} (day {m.day}, due {_ago(ctx, m.due)}): {m.title}."
        if m.due > ctx.today():
            return f"Reminder for {ref}: {_coming(ctx, m.due)} (day {m.day}): {m.title}."
        return f"Due today for {ref} (day {m.day}): {m.title}."
    if kind in (ReminderKind.PAPERS, ReminderKind.MEETING_EVE):
        start = datetime.fromisoformat(str(payload["meeting_start"])).astimezone(ctx.zone)
        if kind is ReminderKind.PAPERS:
            return (
                f"The papers for the {ref} meeting go out today at {PAPERS_GO_OUT_AT:%H:%M}:"
                " the Combined Summary built from the agencies' returns, so anything returned"
                f" or added before then goes with it, for the meeting on"
                f" {start:%A %d %B at %H:%M}."
            )
        return (
            f"The {ref} Rapid Review meeting is {_coming(ctx, start.date())} at {start:%H:%M};"
            " the Teams link is in the invitation. Please read the papers beforehand."
        )
    if kind is ReminderKind.RATIFICATION:
        due = timetable.milestone("ratification").due
        by = ctx.playbook.ratification.by or "the safeguarding partners"
        if due < ctx.today():
            return f"The decision on {ref} was to be ratified by {by} {_ago(ctx, due)}."
        return f"The decision on {ref} must be ratified by {by} {_coming(ctx, due)}."
    deadline = timetable.panel_deadline
    left = ctx.workdays.between(ctx.today(), deadline)  # from today, not from the plan
    nxt = NEXT_STEP[case.stage]
    if deadline < ctx.today():
        return f"The Panel deadline for {ref} passed {_ago(ctx, deadline)}. Next: {nxt}."
    if left <= 0:
        return f"The decision on {ref} is due at the National Panel today. Next: {nxt}."
    return (
        f"{plural(left, 'working day')} to the Panel deadline for {ref}"
        f" ({deadline:%a %d %b}). Next: {nxt}."
    )


def _ago(ctx: ServiceContext, day: date) -> str:
    """'on Wed 13 Jan, 55 working days ago': a day that has passed, counted from today."""
    ago = ctx.workdays.between(day, ctx.today())
    return f"on {day:%a %d %b}, {plural(ago, 'working day')} ago"


def _coming(ctx: ServiceContext, day: date) -> str:
    """'today', 'tomorrow, Wed 06 Jan', or 'on Monday, 11 Jan' when a weekend or holiday is
    between."""
    if day == ctx.today():
        return "today"
    if day == ctx.today() + timedelta(days=1):
        return f"tomorrow, {day:%a %d %b}"
    return f"on {day:%A}, {day:%d %b}"

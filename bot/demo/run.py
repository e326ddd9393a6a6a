"""`rrbot demo`: one fictional case, day by day, on the console, SQLite and a simulated clock."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import playbooks
from bot.adapters.clock import SimulatedClock
from bot.adapters.console.chat import ConsoleChat, ConsoleMail, Transcript
from bot.adapters.memory.calendar import InMemoryCalendar
from bot.bootstrap import build
from bot.calendars import england_and_wales
from bot.config import load_settings
from bot.demo.diaries import busy_diaries
from bot.demo.scenario import Story
from bot.directories import load_directory
from bot.domain.workdays import WorkingCalendar
from bot.services.reports import case_timeliness, render_timeliness
from schedules.runner import run_due

MAX_DAYS = 60  # a safety stop: the longest playbook ends well inside this


@dataclass(frozen=True, slots=True)
class DemoResult:
    case_ref: str
    submitted_on: date | None
    panel_deadline: date
    transcript: Transcript


async def run_demo(
    *, playbook: str, notified: date, database_url: str | None, out: Callable[[str], None]
) -> DemoResult:
    chosen = playbooks.load(playbook)
    with tempfile.TemporaryDirectory(prefix="rrbot-demo-") as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        return await _play(chosen.key, notified, url, out)


async def _play(playbook: str, notified: date, url: str, out: Callable[[str], None]) -> DemoResult:
    chosen = playbooks.load(playbook)
    directory = load_directory()
    zone = ZoneInfo(chosen.working_hours.timezone)
    workdays = england_and_wales()
    clock = SimulatedClock(datetime.combine(notified, time(8, 0), tzinfo=zone))
    days = [notified + timedelta(days=i) for i in range(MAX_DAYS)]
    calendar = InMemoryCalendar(busy_diaries([p.email for p in directory.people], days, zone))
    transcript = Transcript(sink=out)
    settings = load_settings(database_url=url, playbook=chosen.key, directory=None)
    container = await build(
        settings,
        chat=ConsoleChat(directory, transcript),
        calendar=calendar,
        mail=ConsoleMail(directory, transcript),
        clock=clock,
        playbook=chosen,
    )
    try:
        story = Story(container.services, calendar, out, notified)
        out(
            f"rrbot demo: {chosen.name} playbook ({chosen.key}), a FICTIONAL case notified"
            f" {notified:%A %d %B %Y}.\nEverything below is what each person would see.\n"
        )
        story.plan()
        await _walk(story, clock, workdays, zone, out)
        case = (await container.services.status(case_ref=story.ref, actor="rrbot")).case
        timeliness = case_timeliness(container.ctx, case, container.ctx.today())
        out("\n" + render_timeliness(container.ctx, [timeliness]))
        return DemoResult(story.ref, case.submitted_on, timeliness.panel_deadline, transcript)
    finally:
        await container.aclose()


async def _walk(
    story: Story,
    clock: SimulatedClock,
    workdays: WorkingCalendar,
    zone: ZoneInfo,
    out: Callable[[str], None],
) -> None:
    """Each calendar day: at opening time the outbox runs (chases), then the day's events."""
    ctx = story.ctx
    quiet: list[str] = []
    for offset in range(MAX_DAYS):
        day = story.notified + timedelta(days=offset)
        working = workdays.is_working_day(day)
        if not working and not any(e.on == day for e in story.events):
            quiet.append(f"{day:%a %d %b} ({workdays.closure_reason(day)})")
            continue
        if quiet:
            out(f"\n  ... {', '.join(quiet)}: not working days, so the bot sends nothing.")
            quiet = []
        number = workdays.number_of(story.notified, day, ctx.playbook.counting)
        out(f"\n=== {day:%A %d %B %Y}, " + (f"day {number} " if working else "closed ") + "=" * 24)
        if working:
            clock.set(datetime.combine(day, ctx.playbook.working_hours.start, tzinfo=zone))
            await run_due(story.s, worker="demo")
        while todays := sorted(e for e in story.events if e.on == day):
            event = todays[0]  # events a step adds for later today run in time order too
            story.events.remove(event)
            clock.set(max(clock.now(), datetime.combine(day, event.at, tzinfo=zone)))
            out(f"\n  {event.at:%H:%M}  {event.label}")
            await event.step()
        if story.finished:
            return
        stale = [e for e in story.events if e.on < day]
        if stale:
            raise RuntimeError(f"demo event planned in the past: {stale[0].label}")
    raise RuntimeError(f"the demo did not finish within {MAX_DAYS} days")

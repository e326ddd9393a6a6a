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
DEMO_PANEL = "panel@nationalpanel.example.org"  # fictional: the demo emails nobody real
# The outbox runs again in the afternoon, as the scheduler would: the papers go at 15:00.
AFTERNOON_RUN = time(15, 30)


@dataclass(frozen=True, slots=True)
class DemoResult:
    case_ref: str
    submitted_on: date | None
    panel_deadline: date
    transcript: Transcript


async def run_demo(
    *,
    playbook: str,
    notified: date,
    database_url: str | None,
    out: Callable[[str], None],
    papers_dir: Path | None = None,
) -> DemoResult:
    """`papers_dir`: where the case's Word documents are written (none kept when None)."""
    chosen = playbooks.load(playbook)
    with tempfile.TemporaryDirectory(prefix="rrbot-demo-") as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        folder = papers_dir or Path(tmp) / "papers"
        return await _play(chosen.key, notified, url, out, folder)


async def _play(
    playbook: str, notified: date, url: str, out: Callable[[str], None], papers: Path
) -> DemoResult:
    chosen = playbooks.load(playbook)
    directory = load_directory()
    zone = ZoneInfo(chosen.working_hours.timezone)
    workdays = england_and_wales()
    clock = SimulatedClock(datetime.combine(notified, time(8, 0), tzinfo=zone))
    days = [notified + timedelta(days=i) for i in range(MAX_DAYS)]
    calendar = InMemoryCalendar(busy_diaries([p.email for p in directory.people], days, zone))
    relay = Relay(out)
    transcript = Transcript(sink=relay)
    settings = load_settings(
        database_url=url, playbook=chosen.key, directory=None, panel_email=DEMO_PANEL
    )
    container = await build(
        settings,
        chat=ConsoleChat(directory, transcript, files_dir=papers),
        calendar=calendar,
        mail=ConsoleMail(directory, transcript),
        clock=clock,
        playbook=chosen,
    )
    try:
        story = Story(container.services, calendar, out, notified, papers)
        out(
            f"rrbot demo: {chosen.name} playbook ({chosen.key}), a FICTIONAL case notified"
            f" {notified:%A %d %B %Y}.\nEverything below is what each person would see.\n"
        )
        story.plan()
        await _walk(story, clock, workdays, zone, relay)
        case = (await container.services.status(case_ref=story.ref, actor="rrbot")).case
        timeliness = case_timeliness(container.ctx, case, container.ctx.today())
        out("\n" + render_timeliness(container.ctx, [timeliness]))
        _where_the_papers_are(papers / case.channel.lstrip("#"), out)
        return DemoResult(story.ref, case.submitted_on, timeliness.panel_deadline, transcript)
    finally:
        await container.aclose()


def _where_the_papers_are(folder: Path, out: Callable[[str], None]) -> None:
    if folder.is_dir():
        names = "\n".join(f"  {p.name}" for p in sorted(folder.iterdir()))
        out(f"\nThe case's Word documents (fictional) are in {folder}:\n{names}")


class Relay:
    """The transcript's printer, which can hold what is said meanwhile (an outbox run that
    may say nothing is shown only when it says something)."""

    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.held: list[str] | None = None

    def __call__(self, text: str) -> None:
        if self.held is None:
            self.out(text)
        else:
            self.held.append(text)


async def _walk(
    story: Story,
    clock: SimulatedClock,
    workdays: WorkingCalendar,
    zone: ZoneInfo,
    out: Relay,
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
        afternoon = datetime.combine(day, AFTERNOON_RUN, tzinfo=zone) if working else None
        while todays := sorted(e for e in story.events if e.on == day):
            event = todays[0]  # events a step adds for later today run in time order too
            at = datetime.combine(day, event.at, tzinfo=zone)
            if afternoon is not None and at >= afternoon:
                await _afternoon(story, clock, afternoon, out)
                afternoon = None
            story.events.remove(event)
            clock.set(max(clock.now(), at))
            out(f"\n  {event.at:%H:%M}  {event.label}")
            await event.step()
        if afternoon is not None and not story.finished:
            await _afternoon(story, clock, afternoon, out)
        if story.finished:
            return
        stale = [e for e in story.events if e.on < day]
        if stale:
            raise RuntimeError(f"demo event planned in the past: {stale[0].label}")
    raise RuntimeError(f"the demo did not finish within {MAX_DAYS} days")


async def _afternoon(story: Story, clock: SimulatedClock, at: datetime, out: Relay) -> None:
    """The scheduler's afternoon run (the papers day's pack): shown when it says something."""
    clock.set(max(clock.now(), at))
    out.held = []
    try:
        await run_due(story.s, worker="demo")
    finally:
        said, out.held = out.held, None
    if said:
        out(f"\n  {at:%H:%M}  The scheduler's afternoon run")
        for text in said:
            out(text)

"""The real use cases on a real database (SQLite or PostgreSQL), with the console chat and a
simulated clock: what a scheduler process runs, minus the HTTP side."""

from __future__ import annotations

from dataclasses import replace

from bot import playbooks
from bot.adapters.clock import SimulatedClock
from bot.adapters.console.chat import ConsoleChat, ConsoleMail, Delivered, Transcript
from bot.adapters.db.engine import make_engine, session_factory
from bot.adapters.db.uow import SqlUnitOfWork
from bot.adapters.memory.calendar import InMemoryCalendar
from bot.calendars import england_and_wales
from bot.directories import load_directory
from bot.services.context import ServiceContext
from bot.services.facade import Services
from schedules.runner import run_at_once
from tests.support.audit import TEST_AUDIT_CHAIN

MESSAGES = frozenset({"dm", "email", "channel"})


class SqlWorld:
    def __init__(self, url: str, clock: SimulatedClock) -> None:
        self.url = url
        self.engine = make_engine(url)
        sessions = session_factory(self.engine)
        directory = load_directory()
        self.transcript = Transcript()
        self.clock = clock
        self.ctx = ServiceContext(
            uow=lambda: SqlUnitOfWork(sessions, TEST_AUDIT_CHAIN),
            chat=ConsoleChat(directory, self.transcript),
            calendar=InMemoryCalendar(),
            mail=ConsoleMail(directory, self.transcript),
            clock=clock,
            playbook=playbooks.load("llr"),
            directory=directory,
            workdays=england_and_wales(),
        )
        self.ctx.doorbell.answer_with(run_at_once(worker="sql-world"))  # no scheduler here
        self.services = Services(self.ctx)

    def another_process(self) -> SqlWorld:
        """A second scheduler process: its own engine and connections on the same database,
        the same chat workspace (so every message is counted in one place) and clock."""
        other = SqlWorld(self.url, self.clock)
        sessions = session_factory(other.engine)
        other.transcript = self.transcript
        other.ctx = replace(
            self.ctx, uow=lambda: SqlUnitOfWork(sessions, TEST_AUDIT_CHAIN)
        )  # same chat, mail, calendar
        other.services = Services(other.ctx)
        return other

    def messages(self) -> list[Delivered]:
        return [i for i in self.transcript.items if i.kind in MESSAGES]

    async def aclose(self) -> None:
        await self.engine.dispose()

"""A small world for service tests: the real use cases on in-memory fakes of the ports."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot import playbooks
from bot.adapters.clock import SimulatedClock
from bot.adapters.console.chat import ConsoleChat, ConsoleMail, Transcript
from bot.adapters.memory.calendar import InMemoryCalendar
from bot.adapters.memory.mailbox import InMemoryMailbox
from bot.calendars import england_and_wales
from bot.directories import load_directory
from bot.domain.directory import Directory
from bot.domain.notification import Notification
from bot.services.context import ServiceContext
from bot.services.facade import Services
from schedules.runner import run_at_once
from tests.support.memory_uow import MemoryUnitOfWork, Store

LONDON = ZoneInfo("Europe/London")
NOTIFIED = date(2026, 12, 18)  # a Friday before Christmas: the hardest fortnight of the year
OFFICER = "bo.adeyemi@partnership.example.org"
CHAIR = "chris.lindqvist@partnership.example.org"
POLICE_DM = "gray.osei@police.example.org"
POLICE_DEPUTY = "harper.vance@police.example.org"
LA_SPOC = "fay.morrow@council.example.org"
GP_SPOC = "oli.danvers@gp.example.org"


def local(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


class World:
    """Everything a service test touches, with helpers that read like the story."""

    def __init__(self, playbook: str = "llr") -> None:
        self.directory: Directory = load_directory()
        self.store = Store()
        self.transcript = Transcript()
        self.chat = ConsoleChat(self.directory, self.transcript)
        self.mail = ConsoleMail(self.directory, self.transcript)
        self.calendar = InMemoryCalendar()
        self.mailbox = InMemoryMailbox()
        self.clock = SimulatedClock(local(NOTIFIED, "10:00"))
        self.ctx = ServiceContext(
            uow=lambda: MemoryUnitOfWork(self.store),
            chat=self.chat,
            calendar=self.calendar,
            mail=self.mail,
            clock=self.clock,
            playbook=playbooks.load(playbook),
            directory=self.directory,
            workdays=england_and_wales(),
            mailbox=self.mailbox,
        )
        self.services = Services(self.ctx)
        self.ctx.doorbell.answer_with(run_at_once(worker="world"))

    def at(self, day: date, hhmm: str) -> None:
        self.clock.set(local(day, hhmm))

    def notification(self, **changes: object) -> Notification:
        fields: dict[str, object] = {
            "external_ref": "LA-0001",
            "notified_on": NOTIFIED,
            "agencies": ("la", "police", "icb", "gp", "school"),
            "child_names": ("Jamie Fictitious",),
            "family_names": ("Testperson",),
        }
        fields.update(changes)
        return Notification.model_validate(fields)

    async def open(self, **changes: object) -> str:
        opened = await self.services.open_case(
            notification=self.notification(**changes), actor=OFFICER
        )
        return opened.case.ref

    async def open_with_requests(self) -> str:
        ref = await self.open()
        self.at(date(2026, 12, 21), "10:00")
        await self.services.send_information_requests(case_ref=ref, actor=OFFICER)
        return ref

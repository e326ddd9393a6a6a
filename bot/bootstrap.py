"""The composition root: the ONE place that reads Settings and wires adapters into services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.domain.directory import Directory
from bot.domain.errors import InvalidInput
from bot.domain.playbook import Playbook
from bot.domain.workdays import WorkingCalendar
from bot.ports import CalendarPort, Chat, Clock, Mail, Mailbox
from bot.services.context import ServiceContext
from bot.services.facade import Services

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.adapters.db.audit_repository import AuditChain


@dataclass
class Container:
    settings: Settings
    playbook: Playbook
    directory: Directory
    workdays: WorkingCalendar
    engine: AsyncEngine
    ctx: ServiceContext
    services: Services
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def aclose(self) -> None:
        for close in self.closers:  # outside connections (Graph) first, then the database
            await close()
        self.closers.clear()
        await self.engine.dispose()


def closure_days(settings: Settings) -> list[date]:
    days = []
    for text in filter(None, (t.strip() for t in settings.extra_closure_days.split(","))):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise InvalidInput(
                f"EXTRA_CLOSURE_DAYS: '{text}' is not a date (use YYYY-MM-DD)"
            ) from None
    return days


def audit_chain(settings: Settings) -> AuditChain:
    """How audit rows are signed: AUDIT_KEY, AUDIT_KEY_FILE, or on embedded SQLite a key made
    once beside the database. PostgreSQL without a key is refused."""
    from bot.adapters.db.audit_key import AuditKeyMissing, key_required_message, resolve_audit_key
    from bot.adapters.db.audit_repository import AuditChain

    secret = settings.audit_key.get_secret_value() if settings.audit_key else None
    key = resolve_audit_key(
        key=secret,
        key_file=settings.audit_key_file,
        database_url=settings.database_url,
        create=True,
    )
    if key is None:
        raise AuditKeyMissing(key_required_message())
    anchors = settings.audit_anchor_file
    if anchors is not None:
        try:
            with anchors.open("a", encoding="utf-8"):
                pass  # refused now, not at the hundredth row
        except OSError as err:
            raise InvalidInput(
                f"AUDIT_ANCHOR_FILE: cannot append to {anchors} ({err.strerror})."
            ) from None
    return AuditChain(key, settings.audit_anchor_every, anchors)


ChatOnDatabase = Callable[["AsyncEngine"], Chat]  # a chat that keeps state in the database


async def build(
    settings: Settings,
    *,
    chat: Chat | ChatOnDatabase,
    calendar: CalendarPort,
    mail: Mail,
    clock: Clock | None = None,
    playbook: Playbook | None = None,
    mailbox: Mailbox | None = None,
) -> Container:
    """Wire everything. Chat, calendar and mail are chosen by the caller until the Slack and
    Graph adapters land; the database is migrated (embedded default) or checked (PostgreSQL)."""
    from bot import playbooks
    from bot.adapters.clock import SystemClock
    from bot.adapters.db.engine import check_connection, make_engine, session_factory
    from bot.adapters.db.migrate import ensure_schema
    from bot.adapters.db.uow import SqlUnitOfWork
    from bot.calendars import england_and_wales
    from bot.directories import load_directory

    chosen = playbook or playbooks.load(settings.playbook)
    directory = load_directory(settings.directory)
    workdays = england_and_wales(closure_days(settings))
    await check_connection(settings.database_url)
    chain = audit_chain(settings)
    await ensure_schema(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    ctx = ServiceContext(
        uow=lambda: SqlUnitOfWork(sessions, chain),
        chat=chat(engine) if callable(chat) else chat,
        calendar=calendar,
        mail=mail,
        clock=clock or SystemClock(),
        playbook=chosen,
        directory=directory,
        workdays=workdays,
        panel_email=settings.panel_email,
        public_base_url=settings.public_base_url,
        mailbox=mailbox,
    )
    from bot.logging import register_case_subject

    async with ctx.uow() as uow:  # names held on open cases are redacted from every log line
        for case in await uow.cases.open_cases():
            register_case_subject(case.ref, case.subject)
    from bot.adapters.db.scheduler_lease import this_process
    from schedules.runner import run_at_once

    services = Services(ctx)
    # Until a scheduler starts (`rrbot serve`), work queued now is done now.
    ctx.doorbell.answer_with(run_at_once(worker=this_process()))
    return Container(settings, chosen, directory, workdays, engine, ctx, services)

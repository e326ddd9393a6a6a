"""The configured database with chat, calendar and mail that reach nobody: for commands that
read or keep the record (reports, export, purge) without talking to anyone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.adapters.console.chat import ConsoleChat, ConsoleMail, Transcript
from bot.adapters.memory.calendar import InMemoryCalendar
from bot.bootstrap import build
from bot.config import load_settings
from bot.directories import load_directory
from bot.services.context import ServiceContext


@asynccontextmanager
async def offline_context() -> AsyncIterator[ServiceContext]:
    settings = load_settings()
    directory = load_directory(settings.directory)
    silent = Transcript()
    container = await build(
        settings,
        chat=ConsoleChat(directory, silent),
        calendar=InMemoryCalendar(),
        mail=ConsoleMail(directory, silent),
    )
    try:
        yield container.ctx
    finally:
        await container.aclose()

"""What a running server talks to (chat, calendar, mail), and `rrbot serve` itself.

Until the Slack and Microsoft Graph adapters land, the server uses the console chat and mail
(what each person would see, printed) and an in-memory calendar. The real adapters plug in
HERE, chosen from Settings (SLACK_BOT_TOKEN, GRAPH_*); `bootstrap.build` stays unaware of
which ones were picked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bot.bootstrap import Container, build
from bot.config import Settings
from bot.logging import get_logger

log = get_logger(__name__)
GRACEFUL_SHUTDOWN_S = 10  # requests in flight get this long after SIGTERM


def _print(text: str) -> None:
    print(text, flush=True)  # a server's stdout is a pipe: flush, or it arrives in lumps


async def build_for_serving(
    settings: Settings, *, out: Callable[[str], None] | None = _print
) -> Container:
    """The container a server runs on. `out` receives the console chat's rendering (None
    keeps it only in the transcript, as tests do)."""
    from bot.adapters.console.chat import ConsoleChat, ConsoleMail, Transcript
    from bot.adapters.memory.calendar import InMemoryCalendar
    from bot.directories import load_directory

    directory = load_directory(settings.directory)
    transcript = Transcript(sink=out)
    # Slack adapter goes here: `SlackChat(...)` when settings.slack_bot_token is set.
    chat = ConsoleChat(directory, transcript)
    # Graph adapters go here: `GraphCalendar(...)` / `GraphMail(...)` when GRAPH_* are set.
    calendar = InMemoryCalendar()
    mail = ConsoleMail(directory, transcript)
    if settings.slack_bot_token is not None or settings.graph_client_id is not None:
        log.warning(
            "adapters_not_available",
            detail="Slack/Graph settings are present but this build has no such adapters;"
            " chat and mail go to the console, meetings to an in-memory calendar.",
        )
    return await build(settings, chat=chat, calendar=calendar, mail=mail)


async def serve(settings: Settings, *, host: str, port: int) -> None:
    """Build the container first, so a missing database is one clear error rather than a
    traceback from inside uvicorn's startup; then serve until SIGINT/SIGTERM."""
    import uvicorn

    from handlers.http import create_app

    container = await build_for_serving(settings)

    async def ready() -> Container:
        return container

    config = uvicorn.Config(
        create_app(ready),  # its lifespan closes the container on shutdown
        host=host,
        port=port,
        log_config=None,  # uvicorn's lines go through our redacting handler
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    print(f"rrbot serving on http://{host}:{port} (chat: console)", file=sys.stderr, flush=True)
    try:
        await uvicorn.Server(config).serve()
    finally:
        await container.aclose()  # already closed unless startup failed; disposing twice is safe

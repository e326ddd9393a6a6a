"""What a running server talks to (chat, calendar, mail), and `rrbot serve` itself.

Chat is Slack when SLACK_BOT_TOKEN is set (SLACK_API_URL points it elsewhere), Teams when the
TEAMS_* settings are (one chat surface per deployment), else the console. Meetings and mail
are Outlook through Microsoft Graph when the GRAPH_* settings are set, else an in-memory
calendar and the console. Adapters are chosen HERE from Settings; `bootstrap.build`
stays unaware of which ones were picked.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.bootstrap import ChatOnDatabase, Container, build
from bot.config import Settings
from bot.domain.errors import InvalidInput
from bot.logging import get_logger
from bot.ports import Chat

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


log = get_logger(__name__)


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

    refuse_unchosen_sample(settings)
    refuse_mixed_chat(settings)
    directory = load_directory(settings.directory)
    transcript = Transcript(sink=out)
    chat: Chat = ConsoleChat(directory, transcript)
    if settings.slack_bot_token is not None:
        from bot.adapters.slack.chat import SlackChat
        from bot.adapters.slack.client import make_web_client
        from bot.adapters.tls import outbound_ssl_context
        from bot.domain.directory import Role

        token = settings.slack_bot_token.get_secret_value()
        trust = outbound_ssl_context(settings.ca_bundles())
        chairs = [(p.email, p.name) for p in directory.with_role(Role.CHAIR)]
        client = make_web_client(token, settings.slack_api_url, ssl_context=trust)
        chat = SlackChat(client, chairs=chairs)
    teams: TeamsParts | None = _teams_chat(settings) if uses_teams(settings) else None
    on: Chat | ChatOnDatabase = teams.chat if teams else chat
    closers = [teams.aclose] if teams else []
    try:
        if not uses_graph(settings):
            mail = ConsoleMail(directory, transcript)
            container = await build(settings, chat=on, calendar=InMemoryCalendar(), mail=mail)
        else:
            from bot.adapters.graph.factory import graph_ports  # msgraph only when it is used

            graph_calendar, graph_mail = graph_ports(settings)  # refuses, naming what is missing
            closers.append(graph_calendar.connection.aclose)
            container = await build(
                settings, chat=on, calendar=graph_calendar, mail=graph_mail, mailbox=graph_mail
            )
    except BaseException:
        for close in closers:
            await close()
        raise
    container.closers.extend(closers)
    return container


@dataclass(frozen=True, slots=True)
class TeamsParts:
    chat: ChatOnDatabase  # TeamsChat keeps its case chats and cards in the database
    aclose: Callable[[], Awaitable[None]]


def _teams_chat(settings: Settings) -> TeamsParts:
    """Teams on the Bot Connector (the SDK) and on Graph, both with the bot's own app
    registration (TEAMS_*): Graph's *Self* installation permissions are granted to the app
    that is installed, so the case chats cannot be made with the Outlook one (GRAPH_*)."""
    from bot.adapters.graph.client import connect
    from bot.adapters.teams.card_store import ChatMessages
    from bot.adapters.teams.chat import TeamsChat
    from bot.adapters.teams.connection import teams_connection
    from bot.adapters.tls import outbound_ssl_context

    teams = teams_connection(settings)
    graph = connect(
        teams.tokens.credential,
        mailbox=settings.graph_mailbox or "",  # no mail is read or sent on this connection
        base_url=settings.graph_base_url,
        ssl_context=outbound_ssl_context(settings.ca_bundles()),
    )

    def on_database(engine: AsyncEngine) -> Chat:
        return TeamsChat(
            teams.api,
            graph,
            app_id=teams.app_id,
            bot_id=f"28:{teams.client_id}",  # the bot's account in Teams
            tenant_id=teams.tenant_id,
            store=ChatMessages(engine),
        )

    async def aclose() -> None:
        await graph.aclose()
        await teams.aclose()

    return TeamsParts(on_database, aclose)


def refuse_unchosen_sample(settings: Settings) -> None:
    """Real Slack or Outlook with the fictional sample directory would invite made-up people
    to a real case, or no one: only when asked for on purpose (`DIRECTORY=sample`)."""
    if settings.directory is None and (
        settings.slack_bot_token is not None or uses_graph(settings) or uses_teams(settings)
    ):
        raise InvalidInput(
            "DIRECTORY is not set, so the people would come from the fictional sample: set"
            " DIRECTORY to your partnership's directory file (laid out as"
            " bot/directories/sample.yaml), or DIRECTORY=sample to try the bot with the sample"
            " on purpose."
        )


_TEAMS_NEEDED = {
    "TEAMS_CLIENT_ID": "teams_client_id",
    "TEAMS_CLIENT_SECRET": "teams_client_secret",
    "TEAMS_TENANT_ID": "teams_tenant_id",
    "TEAMS_APP_ID": "teams_app_id",
}
_TEAMS_OPTIONAL = (
    "teams_login_endpoint",
    "teams_openid_metadata_url",
    "teams_token_issuer",
    "teams_service_url",
)


def uses_teams(settings: Settings) -> bool:
    """Teams is in use as soon as any TEAMS_* setting but the cloud's name is set."""
    names = (*_TEAMS_NEEDED.values(), *_TEAMS_OPTIONAL)
    return any(getattr(settings, name) is not None for name in names)


def refuse_mixed_chat(settings: Settings) -> None:
    """One chat surface per deployment, and a Teams one complete: refused at start, in one
    line, rather than half-working later."""
    if not uses_teams(settings):
        return
    if settings.slack_bot_token is not None:
        raise InvalidInput(
            "Both Slack (SLACK_BOT_TOKEN) and Teams (TEAMS_*) are configured: rrbot serves one"
            " chat surface per deployment; unset the settings of the one not used."
        )
    missing = [name for name, field in _TEAMS_NEEDED.items() if not getattr(settings, field)]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise InvalidInput(
            f"Teams is configured only in part: {_listed(missing)} {verb}"
            " missing (the bot's app registration and the Teams app's catalogue id)."
        )
    from bot.adapters.teams.sdk_environment import refuse_sdk_environment  # the SDK: Teams only

    refuse_sdk_environment()


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def chat_name(settings: Settings) -> str:
    if settings.slack_bot_token is not None:
        return "slack"
    return "teams" if uses_teams(settings) else "console"


def uses_graph(settings: Settings) -> bool:
    """Outlook is in use as soon as any GRAPH_* identity is set; a partial set is refused."""
    return any(
        v is not None
        for v in (
            settings.graph_tenant_id,
            settings.graph_client_id,
            settings.graph_client_secret,
            settings.graph_mailbox,
        )
    )


async def serve(settings: Settings, *, host: str, port: int) -> None:
    """Build the container first, so a missing database is one clear error rather than a
    traceback from inside uvicorn's startup; then serve until SIGINT/SIGTERM."""
    import uvicorn

    from bot.graceful import DrainingServer
    from bot.shutdown import Shutdown
    from handlers.http import create_app
    from schedules.scheduler import ticker_for

    container = await build_for_serving(settings)
    # Reminders, chases and retries run from the outbox; on SQLite only one scheduler may
    # hold a database, and a second `rrbot serve` on it is refused here, in words.
    ticker = ticker_for(container, interval_seconds=settings.scheduler_tick_seconds)
    try:
        await ticker.start()
    except BaseException:
        await container.aclose()
        raise

    # SIGTERM: readyz 503 and no more claims at once; requests, then due actions, in flight
    # get what is left of the grace; then this worker's claims and lease are handed back,
    # before the lifespan closes the database (the container's first closer).
    shutdown = Shutdown(settings.shutdown_grace_seconds)
    shutdown.on_start(ticker.stop_claiming)
    container.closers.insert(0, lambda: ticker.aclose(grace_seconds=shutdown.remaining()))

    async def ready() -> Container:
        return container

    config = uvicorn.Config(
        create_app(ready, shutdown=shutdown),  # its lifespan closes the container on shutdown
        host=host,
        port=port,
        log_config=None,  # uvicorn's lines go through our redacting handler
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=max(1, int(settings.shutdown_grace_seconds)),
    )
    from bot.directories import is_sample

    chat = chat_name(settings)
    people = "the fictional sample" if is_sample(settings.directory) else settings.directory
    print(
        f"rrbot serving on http://{host}:{port} (chat: {chat}; directory: {people})",
        file=sys.stderr,
        flush=True,
    )
    try:
        await DrainingServer(config, shutdown).serve()
    finally:
        await ticker.aclose(grace_seconds=shutdown.remaining())  # a forced exit skips the lifespan
        await container.aclose()  # already closed unless startup failed; disposing twice is safe

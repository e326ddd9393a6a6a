"""`rrbot doctor`: is everything this deployment is configured for actually reachable and
permitted? The database, the playbook and directory files, Slack (token and scopes) or Teams
(settings, tokens, Graph permissions), and Outlook (token, mailbox, permissions). Each line
says exactly what is wrong and what to do; nothing is written or sent. It is a one-off
check: nothing it finds is retried later.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings


@dataclass(frozen=True, slots=True)
class Finding:
    area: str  # database, setup, slack, teams, outlook
    name: str
    ok: bool | None  # None: not configured, or not checkable without a side effect
    detail: str

    def line(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "--  "}[self.ok]
        return f"{mark}  {self.area:<8} {self.name}: {self.detail}"


async def diagnose(settings: Settings) -> list[Finding]:
    found = [*await _database(settings), _audit_key(settings)]
    found += [_playbook(settings), _directory(settings)]
    chat = await _teams(settings) if uses_teams(settings) else await _slack(settings)
    return [*found, *chat, *await _outlook(settings)]


def uses_teams(settings: Settings) -> bool:
    """Teams is the chat surface as soon as any TEAMS_* identity is set."""
    return any(
        v is not None
        for v in (
            settings.teams_client_id,
            settings.teams_client_secret,
            settings.teams_tenant_id,
            settings.teams_app_id,
        )
    )


def _playbook(settings: Settings) -> Finding:
    """PLAYBOOK loads and validates (a bad file: its file, line, field and reason)."""
    from bot import playbooks
    from bot.domain.errors import DomainError

    try:
        chosen = playbooks.load(settings.playbook)
    except DomainError as err:
        return Finding("setup", "playbook", False, err.message)
    return Finding(
        "setup",
        "playbook",
        True,
        f"{chosen.key}: {chosen.name}; the Panel deadline is working day"
        f" {chosen.panel_deadline}, counting {chosen.counting.value}",
    )


def _directory(settings: Settings) -> Finding:
    """DIRECTORY loads and validates, and is not the fictional sample where real people would
    be reached through Slack or Outlook."""
    from bot.directories import is_sample, load_directory
    from bot.domain.errors import DomainError
    from bot.surfaces import uses_graph

    chosen = settings.directory
    sample = is_sample(chosen)
    on_purpose = sample and chosen is not None  # `sample`, or the sample's path: as serve
    try:
        directory = load_directory(chosen)
    except DomainError as err:
        return Finding("setup", "directory", False, err.message)
    size = f"{len(directory.people)} people, {len(directory.agencies)} agencies"
    if not sample:
        return Finding("setup", "directory", True, f"{chosen}: {size}")
    fictional = f"the FICTIONAL sample directory ({size}, all made up, at example.org addresses)"
    teams = uses_teams(settings)
    real = settings.slack_bot_token is not None or teams or uses_graph(settings)
    if on_purpose:
        return Finding("setup", "directory", None, f"{fictional}, chosen with DIRECTORY=sample")
    if real:
        return Finding(
            "setup",
            "directory",
            False,
            f"DIRECTORY is not set, so this is {fictional}, yet real"
            f" {'Teams' if teams else 'Slack'} or Outlook is"
            " configured: set DIRECTORY to your partnership's directory file (the layout of"
            " bot/directories/sample.yaml)",
        )
    return Finding(
        "setup",
        "directory",
        None,
        f"{fictional}: fine for the demo and the console; set DIRECTORY to your"
        " partnership's directory file",
    )


async def _database(settings: Settings) -> list[Finding]:
    from bot.adapters.db.engine import describe, normalise_url
    from bot.adapters.db.health import database_problem

    url = normalise_url(settings.database_url)
    problem = await database_problem(settings.database_url)
    where = describe(url)
    if problem and url.get_backend_name() == "sqlite" and "rrbot db upgrade" in problem:
        # The embedded database migrates itself when rrbot starts: not a fault.
        return [Finding("database", where, None, "SQLite is brought up to date at start")]
    return [Finding("database", where, problem is None, problem or "reachable and migrated")]


def _audit_key(settings: Settings) -> Finding:
    """The key the audit chain is signed with: present, readable and long enough."""
    from bot.adapters.db.audit_key import key_file_beside, key_required_message, resolve_audit_key
    from bot.adapters.db.engine import is_sqlite
    from bot.domain.errors import DomainError

    secret = settings.audit_key.get_secret_value() if settings.audit_key else None
    try:
        key = resolve_audit_key(
            key=secret,
            key_file=settings.audit_key_file,
            database_url=settings.database_url,
            create=False,  # the doctor changes nothing
        )
    except DomainError as err:
        return Finding("database", "audit key", False, err.message)
    if key is not None:
        return Finding("database", "audit key", True, "the audit log is signed with it")
    if not is_sqlite(settings.database_url):
        return Finding("database", "audit key", False, key_required_message())
    beside = key_file_beside(settings.database_url)
    where = f"in {beside}" if beside else "for the in-memory database"
    return Finding("database", "audit key", None, f"made at first start {where}")


async def _slack(settings: Settings) -> list[Finding]:
    if settings.slack_bot_token is None:
        return [
            Finding("slack", "bot token", None, "SLACK_BOT_TOKEN is not set: chat is the console")
        ]
    from slack_sdk.errors import SlackApiError

    from bot.adapters.slack.client import make_web_client
    from bot.adapters.slack.scopes import bot_scopes
    from bot.adapters.tls import outbound_ssl_context, untrusted_advice, untrusted_certificate

    trust = outbound_ssl_context(settings.ca_bundles())
    token = settings.slack_bot_token.get_secret_value()
    client = make_web_client(token, settings.slack_api_url, ssl_context=trust)
    try:
        reply = await client.auth_test()
    except SlackApiError as err:
        code = err.response.get("error", "unknown") if err.response else "unknown"
        return [Finding("slack", "bot token", False, f"Slack refused the token ({code})")]
    except Exception as err:  # unreachable: the name of the failure, never the token
        untrusted = untrusted_certificate(err)
        why = untrusted_advice(untrusted) if untrusted else type(err).__name__
        return [Finding("slack", "bot token", False, f"Slack could not be reached: {why}")]
    found = [
        Finding(
            "slack",
            "bot token",
            True,
            f"the bot is {reply.get('user', '?')} in {reply.get('team', '?')}",
        )
    ]
    granted = {
        s.strip() for s in str(reply.headers.get("x-oauth-scopes", "")).split(",") if s.strip()
    }
    missing = sorted(bot_scopes() - granted)
    found.append(
        Finding(
            "slack",
            "scopes",
            not missing,
            "every scope the bot uses is granted"
            if not missing
            else f"missing {', '.join(missing)}: add them from deploy/slack-manifest.yaml"
            " and reinstall the app",
        )
    )
    found.append(_events(settings))
    return found


def _events(settings: Settings) -> Finding:
    """How Slack's events reach the bot: one of the two ways is enough."""
    if settings.slack_app_token is not None:
        how = "Socket Mode: the bot dials out with SLACK_APP_TOKEN (no signing secret needed)"
        return Finding("slack", "events", True, how)
    if settings.slack_signing_secret is not None:
        how = "HTTP: Slack's requests to /slack/events are checked with SLACK_SIGNING_SECRET"
        return Finding("slack", "events", True, how)
    return Finding(
        "slack", "events", False, "set SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)"
    )


async def _teams(settings: Settings) -> list[Finding]:
    from bot.adapters.teams.doctor import check

    return [Finding("teams", c.name, c.ok, c.detail) for c in await check(settings)]


async def _outlook(settings: Settings) -> list[Finding]:
    from bot.surfaces import uses_graph

    if not uses_graph(settings):
        return [
            Finding(
                "outlook", "graph", None, "GRAPH_* are not set: meetings and mail stay in the bot"
            )
        ]
    from bot.adapters.graph.doctor import check

    return [Finding("outlook", c.name, c.ok, c.detail) for c in await check(settings)]

"""`rrbot`: the command line. Imports stay inside commands so that `--help` starts fast."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

T = TypeVar("T")


class IsoDate(click.ParamType[date, Any]):
    """YYYY-MM-DD, refusing impossible dates with the reason (e.g. 2026-02-30)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as err:
            reason = str(err).removeprefix("Invalid isoformat string: ")
            if "-" in str(value) and len(str(value)) == 10:
                self.fail(f"'{value}' is not a real date ({reason}).", param, ctx)
            self.fail(f"'{value}' is not a date; write it as YYYY-MM-DD.", param, ctx)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine, turning the domain's refusals into one clear line and exit code 1."""
    from bot.domain.errors import DomainError

    try:
        return asyncio.run(coro)
    except DomainError as err:
        raise click.ClickException(err.message) from None


def guarded(fn: Any) -> Any:
    """Domain errors raised outside a coroutine (loading a playbook ...) get the same answer."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from bot.domain.errors import DomainError

        try:
            return fn(*args, **kwargs)
        except DomainError as err:
            raise click.ClickException(err.message) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rrbot")
@click.option(
    "--log-level",
    envvar="LOG_LEVEL",
    default="WARNING",
    show_default=True,
    help="Log level for the structured log on stderr.",
)
@click.option(
    "--log-format",
    envvar="LOG_FORMAT",
    type=click.Choice(["auto", "json", "text"], case_sensitive=False),
    default="auto",
    show_default=True,
    help="json: one JSON object per line; auto: text on a terminal, json otherwise.",
)
def cli(log_level: str, log_format: str) -> None:
    """rrbot runs the statutory Rapid Review of a serious child safeguarding incident:
    dates every milestone, chases agencies, finds a quorate meeting and records the decision."""
    from bot.logging import configure_logging, wants_json

    configure_logging(log_level, json=wants_json(log_format))


@cli.command()
@click.option("--playbook", default="llr", show_default=True, help="Partnership playbook.")
@click.option(
    "--notified",
    type=IsoDate(),
    default="2026-12-18",
    show_default=True,
    help="The date the case was notified.",
)
@click.option(
    "--database",
    default=None,
    help="Database URL (default: a fresh embedded SQLite file for this run).",
)
@click.option(
    "--papers",
    "papers_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the case's Word documents (the papers, the Panel's); default: a new"
    " folder in the system's temporary directory. The demo prints where they are.",
)
@guarded
def demo(playbook: str, notified: date, database: str | None, papers_dir: Path | None) -> None:
    """Run a whole fictional case day by day, as each person would see it."""
    import tempfile

    from bot.demo.run import run_demo

    papers_dir = papers_dir or Path(tempfile.mkdtemp(prefix="rrbot-demo-papers-"))

    run(
        run_demo(
            playbook=playbook,
            notified=notified,
            database_url=database,
            out=click.echo,
            papers_dir=papers_dir.resolve(),
        )
    )


@cli.command()
@click.option("--playbook", default="llr", show_default=True, help="Playbook name or YAML path.")
@click.option("--notified", type=IsoDate(), required=True, help="The notification date.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@guarded
def timetable(playbook: str, notified: date, as_json: bool) -> None:
    """Every milestone's due date for a case notified on a given date."""
    import json

    from bot import playbooks
    from bot.calendars import england_and_wales
    from bot.domain.timetable import build_timetable

    chosen = playbooks.load(playbook)
    table = build_timetable(chosen, england_and_wales(), notified)
    if as_json:
        click.echo(json.dumps(table.as_json(), indent=2))
        return
    click.echo(f"{chosen.name} ({chosen.key}), counting {chosen.counting.value}")
    click.echo(f"Notified {notified:%a %d %b %Y}\n")
    click.echo(f"{'due':<16}{'day':>4}  milestone")
    for m in table.milestones:
        click.echo(f"{m.due:%a %d %b %Y}  {m.day:>4}  {m.title}")
    start, end = table.meeting_window
    click.echo(f"\nMeeting window: {start:%a %d %b %Y} to {end:%a %d %b %Y}")
    click.echo(f"Panel deadline: {table.panel_deadline:%a %d %b %Y}")


@cli.group()
def playbook() -> None:
    """The shipped partnership playbooks."""


@playbook.command("list")
@guarded
def playbook_list() -> None:
    """List the shipped playbooks."""
    from bot import playbooks

    for key in playbooks.available():
        chosen = playbooks.load(key)
        click.echo(f"{key:<10} {chosen.counting.value}  {chosen.name}")


@playbook.command("show")
@click.argument("name")
@guarded
def playbook_show(name: str) -> None:
    """Show one playbook's rules."""
    from bot import playbooks

    chosen = playbooks.load(name)
    click.echo(chosen.model_dump_json(indent=2))


@cli.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
@guarded
def db_upgrade() -> None:
    """Apply every Alembic migration to DATABASE_URL."""
    from bot.adapters.db.engine import check_connection
    from bot.adapters.db.migrate import current_revision, upgrade
    from bot.config import load_settings

    url = load_settings().database_url

    async def go() -> str | None:
        await check_connection(url)
        await upgrade(url)
        return await current_revision(url)

    click.echo(f"Database is at revision {run(go())}.")


@db.command("wait")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=300,
    show_default=True,
    help="Seconds to wait before giving up (exit 1).",
)
@guarded
def db_wait(timeout: float) -> None:
    """Wait until DATABASE_URL answers and is at this release's migration (a replica's
    initContainer: it starts only once the migration Job has run; it migrates nothing)."""
    from bot.adapters.db.schema_wait import wait_for_head
    from bot.config import load_settings

    revision = run(wait_for_head(load_settings().database_url, timeout_s=timeout))
    click.echo(f"Database is at revision {revision}.")


@cli.group()
def audit() -> None:
    """The signed, hash-chained audit log."""


def _audit_key() -> tuple[str, Any]:
    """DATABASE_URL and the audit key as the server has them (None when none is found)."""
    from bot.adapters.db.audit_key import resolve_audit_key
    from bot.config import load_settings

    settings = load_settings()
    secret = settings.audit_key.get_secret_value() if settings.audit_key else None
    url = settings.database_url
    key = resolve_audit_key(
        key=secret, key_file=settings.audit_key_file, database_url=url, create=False
    )
    return url, key


@audit.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="FILE|SEQ:HASH",
    help="An anchor kept outside the database (repeatable): the chain must still reach it.",
)
@guarded
def audit_verify(anchors: tuple[str, ...]) -> None:
    """Check that no audit row was changed or removed."""
    from bot.adapters.db.audit_anchors import parse_anchors
    from bot.adapters.db.audit_verify import verify_database

    kept = parse_anchors(anchors)
    url, key = _audit_key()
    result = run(verify_database(url, key, kept))
    click.echo(result.message)
    if not result.ok:
        sys.exit(1)


@audit.command("anchor")
@guarded
def audit_anchor() -> None:
    """Verify the chain and print its last row (`seq hash at`) to keep outside the database."""
    from bot.adapters.db.audit_verify import head_anchor

    url, key = _audit_key()
    result, head = run(head_anchor(url, key))
    if not result.ok:
        click.echo(result.message)
        sys.exit(1)
    if head is None:
        click.echo("The audit log is empty: nothing to anchor yet.", err=True)
        return
    click.echo(head.line())
    click.echo(
        "Keep this line where the database's administrators cannot change it (printed, or in a"
        " file elsewhere); later, `rrbot audit verify --anchor"
        f" {head.seq}:{head.hash}` (or --anchor FILE) shows whether rows were removed or"
        " rewritten since.",
        err=True,
    )


@cli.group()
def report() -> None:
    """Reports."""


@report.command("timeliness")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write a self-contained page with charts, for the board, to this file.",
)
@guarded
def report_timeliness(as_csv: bool, html_file: str | None) -> None:
    """Working days from notification to decision and to the Panel, per case and agency."""
    from bot.reporting import timeliness_from_settings

    if as_csv and html_file:
        raise click.UsageError("Choose one of --csv and --html.")
    if html_file is None:
        click.echo(run(timeliness_from_settings(as_csv=as_csv)), nl=False)
        return
    from pathlib import Path

    page = run(timeliness_from_settings(as_html=True))
    Path(html_file).write_text(page, encoding="utf-8")
    click.echo(f"Wrote the timeliness report to {html_file}.")


@cli.group()
def teams() -> None:
    """Microsoft Teams: the app package for the organisation's catalogue."""


@teams.command("package")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default="rapid-review-teams.zip",
    show_default=True,
    help="Where to write the zip.",
)
@click.option(
    "--app-version",
    default=None,
    metavar="X.Y.Z",
    help="The app's version in the catalogue (default rrbot's); raise it for each update.",
)
@guarded
def teams_package(out: str, app_version: str | None) -> None:
    """Write the zip to upload to the organisation's Teams app catalogue."""
    from pathlib import Path

    from bot.config import load_settings
    from bot.teams_package import write_package

    package = write_package(load_settings(), Path(out), app_version=app_version)
    click.echo(
        f"Wrote {package.path}: Rapid Review {package.manifest['version']} for the bot"
        f" {package.manifest['id']} at {package.manifest['validDomains'][0]}. Upload it in the"
        " Teams admin centre (Teams apps, Manage apps, Upload new app), then set TEAMS_APP_ID"
        " to the App ID shown there."
    )


@cli.command()
@guarded
def doctor() -> None:
    """Check the database, Slack, Teams and Outlook this deployment is set up for."""
    from bot.config import load_settings
    from bot.doctor import diagnose

    findings = run(diagnose(load_settings()))
    for finding in findings:
        click.echo(finding.line())
    if any(f.ok is False for f in findings):
        sys.exit(1)


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (0.0.0.0 inside a container).",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port to listen on.  [default: PORT, or 3000]",
)
@guarded
def serve(host: str, port: int | None) -> None:
    """Serve the HTTP app: POST /notifications, /healthz, /readyz, /openapi.json."""
    from bot.config import load_settings
    from bot.surfaces import serve as serve_http

    settings = load_settings()
    run(serve_http(settings, host=host, port=port or settings.port))


# Retention, export and erasure (issue 14, helper "retention"): their own module.
from bot.records_cli import register as _register_records  # noqa: E402

_register_records(cli, db)


def main() -> None:
    cli(prog_name="rrbot")


if __name__ == "__main__":
    main()

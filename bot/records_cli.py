"""`rrbot export`, `rrbot purge` and `rrbot db copy`: the records' life after a case closes.
Registered from bot/cli.py; imports stay inside the commands so that `--help` starts fast."""

from __future__ import annotations

import getpass
import os
from contextlib import AbstractAsyncContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli import IsoDate, guarded, run

if TYPE_CHECKING:
    from bot.services.context import ServiceContext
    from bot.services.records import Exported


def _context() -> AbstractAsyncContextManager[ServiceContext]:
    """The configured database, with chat, calendar and mail that reach nobody."""
    from bot.offline import offline_context

    return offline_context()


def _by(by: str | None) -> str:
    """Who, for the audit log: `--by`, else the OS user (a container may have no name for
    its user: then its uid)."""
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


@click.command("export")
@click.argument("case_ref", metavar="CASE")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the zip.  [default: CASE_export.zip here]",
)
@click.option("--by", default=None, help="Who exports it, for the audit log [default: OS user].")
@guarded
def export(case_ref: str, out: Path | None, by: str | None) -> None:
    """Write one case's whole record, documents and audit lines to a zip (0600)."""
    from bot.domain.cases import parse_ref
    from bot.services.records import export_case

    ref = parse_ref(case_ref)
    path = out or Path(f"{ref}_export.zip")
    if path.exists():
        raise click.ClickException(f"{path} already exists; choose another --out.")

    async def go() -> Exported:
        async with _context() as ctx:
            return await export_case(ctx, case_ref=ref, by=_by(by), out=path)

    done = run(go())
    click.echo(
        f"Wrote {path} ({', '.join(done.documents) or 'no documents yet'};"
        f" {done.audit_lines} audit lines). It holds the child's and family's details: it"
        " is readable by you alone (0600); keep it so, and send it only by a secure route."
        " The export is recorded in the audit log."
    )


@click.command("purge")
@click.option(
    "--closed-before",
    type=IsoDate(),
    required=True,
    help="Erase only cases closed before this date (and past their retention).",
)
@click.argument("refs", nargs=-1, metavar="[CASE]...")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--by", default=None, help="Who erases, for the audit log [default: OS user].")
@guarded
def purge(closed_before: date, refs: tuple[str, ...], yes: bool, by: str | None) -> None:
    """Erase closed cases whose retention period has run out, leaving an audit tombstone.
    Name CASEs to erase only those (each must qualify, or nothing is erased)."""
    from bot.services.erasure import erase, plan_purge

    async def go() -> None:
        async with _context() as ctx:
            plan = await plan_purge(ctx, closed_before=closed_before, refs=refs)
            kept = [e for e in plan if not e.allowed]
            allowed = [e for e in plan if e.allowed]
            for erasure in kept:
                click.echo(f"Kept {erasure.ref}: {erasure.reason}.")
            if refs and kept:
                raise click.ClickException("Nothing was erased: a case named may not be.")
            if not allowed:
                click.echo(f"No case closed before {closed_before} is past its retention.")
                return
            listed = ", ".join(e.ref for e in allowed)
            click.echo(f"{len(allowed)} case(s) may be erased: {listed}.")
            if not yes and not click.confirm(
                "Erase them for good (their audit lines stay)?", default=False
            ):
                raise click.ClickException("Nothing was erased.")
            for erasure in allowed:
                erased = await erase(ctx, erasure, by=_by(by))
                click.echo(f"Erased {erased.ref} ({sum(erased.rows.values())} rows).")

    run(go())


@click.command("copy")
@click.option("--to", "target", required=True, metavar="URL", help="The empty target database.")
@guarded
def db_copy(target: str) -> None:
    """Copy this deployment's database (DATABASE_URL) into an empty one, e.g. PostgreSQL."""
    from bot.adapters.db.copy import copy_database
    from bot.cli import _audit_key

    url, key = _audit_key()
    copied = run(copy_database(url, target, key))
    click.echo(f"Copied {sum(copied.rows.values())} rows in {len(copied.rows)} tables.")
    click.echo(copied.audit.message)
    if not copied.audit.ok:
        raise SystemExit(1)
    click.echo(
        "Point DATABASE_URL at the target, with the same audit key as AUDIT_KEY or"
        " AUDIT_KEY_FILE (on SQLite it was the file beside the database)."
    )


def register(cli: click.Group, db: click.Group) -> None:
    cli.add_command(export)
    cli.add_command(purge)
    db.add_command(db_copy)

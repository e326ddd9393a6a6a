"""`rrbot db copy --to URL`: move a deployment to another database (an embedded SQLite file
to PostgreSQL, when it outgrows one file).

The target gets its schema from the migrations (so it is exactly what `rrbot db upgrade`
makes) and must hold no rows; every table is then copied in dependency order in ONE target
transaction, so a failure leaves it empty to try again. Ids are copied as they are and
PostgreSQL's identity sequences are moved past them. The audit log is copied row for row
(its triggers refuse UPDATE and DELETE, not INSERT) and verified on the target before the
command reports success.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy import table as named_table
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import NullPool

from bot.adapters.db.audit_key import AuditKey
from bot.adapters.db.audit_verify import AuditVerification, verify_database
from bot.adapters.db.engine import check_connection, describe, make_engine
from bot.adapters.db.migrate import current_revision, head_revision, upgrade
from bot.adapters.db.models import Base
from bot.domain.errors import InvalidInput

BATCH = 1000  # rows per INSERT: bounded memory whatever the table's size


@dataclass(frozen=True, slots=True)
class Copied:
    rows: dict[str, int]  # table -> rows copied
    audit: AuditVerification


async def _copy_table(source: AsyncConnection, target: AsyncConnection, table: Table) -> int:
    copied = 0
    order = list(table.primary_key.columns)
    rows = await source.stream(select(table).order_by(*order))
    async for chunk in rows.partitions(BATCH):
        await target.execute(insert(table), [dict(r._mapping) for r in chunk])
        copied += len(chunk)
    return copied


async def _reset_identities(target: AsyncConnection) -> None:
    """PostgreSQL hands out ids from a sequence that knows nothing of copied rows."""
    for table in Base.metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or columns[0].type.python_type is not int:
            continue  # a natural key (a reference, a name): no sequence behind it
        pk = columns[0]
        await target.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'),"
                f" COALESCE(MAX({pk.name}), 1), MAX({pk.name}) IS NOT NULL) FROM {table.name}"
            )
        )


async def _check_source(url: str) -> None:
    await check_connection(url)
    if await current_revision(url) != head_revision():
        raise InvalidInput(
            f"{describe(url)} is not at the latest schema; run `rrbot db upgrade` on it first."
        )


async def _check_target_empty(url: str) -> None:
    """Before anything is written to it (migrations included): every table already there,
    whatever its revision, must be empty."""
    engine = make_engine(url, poolclass=NullPool)
    full: dict[str, int] = {}
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: inspect(c).get_table_names())
            for name in sorted(set(names) - {"alembic_version"}):
                count = await connection.scalar(select(func.count()).select_from(named_table(name)))
                if count:
                    full[name] = int(count)
    finally:
        await engine.dispose()
    if full:
        listed = ", ".join(f"{name} ({n})" for name, n in full.items())
        raise InvalidInput(
            f"{describe(url)} is not empty ({listed}); db copy writes only into an empty"
            " database, so nothing was copied."
        )


async def copy_database(source_url: str, target_url: str, key: AuditKey | None) -> Copied:
    """Copy every row of `source_url` into the empty `target_url`; verify its audit chain."""
    if source_url == target_url:
        raise InvalidInput("The target is the database in use; give another one.")
    await _check_source(source_url)
    await check_connection(target_url)
    await _check_target_empty(target_url)
    await upgrade(target_url)  # a no-op on a database already at the head revision
    source_engine = make_engine(source_url, poolclass=NullPool)
    target_engine = make_engine(target_url, poolclass=NullPool)
    copied: dict[str, int] = {}
    try:
        async with source_engine.connect() as source, target_engine.begin() as target:
            for table in Base.metadata.sorted_tables:
                copied[table.name] = await _copy_table(source, target, table)
            if target.dialect.name == "postgresql":
                await _reset_identities(target)
    finally:
        await source_engine.dispose()
        await target_engine.dispose()
    return Copied(copied, await verify_database(target_url, key))

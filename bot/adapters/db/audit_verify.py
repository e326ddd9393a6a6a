"""`rrbot audit verify`: check the whole chain of a database given by URL."""

from __future__ import annotations

from sqlalchemy.pool import NullPool

from bot.adapters.db.audit_repository import AuditVerification, verify
from bot.adapters.db.engine import check_connection, describe, make_engine, session_factory
from bot.adapters.db.errors import SchemaOutOfDate
from bot.adapters.db.migrate import current_revision


async def verify_database(url: str) -> AuditVerification:
    await check_connection(url)
    if await current_revision(url) is None:
        where = describe(url)
        raise SchemaOutOfDate(
            f"{where[0].upper()}{where[1:]} has no rrbot tables yet; run `rrbot db upgrade`."
        )
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as session:
            return await verify(session)
    finally:
        await engine.dispose()

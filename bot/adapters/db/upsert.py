"""INSERT ... ON CONFLICT for whichever of our two backends the session is bound to."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import Base


def insert_for(session: AsyncSession, table: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """Both dialects spell ON CONFLICT DO NOTHING / DO UPDATE ... RETURNING the same way."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)

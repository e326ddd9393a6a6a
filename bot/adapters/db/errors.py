"""Errors the database adapter raises; each message is safe to show (no password, no subject)."""

from __future__ import annotations

from bot.domain.errors import Conflict, DomainError


class DatabaseUnavailable(DomainError):
    """The database cannot be reached or the URL cannot be used."""

    code = "database_unavailable"


class SchemaOutOfDate(DomainError):
    """The database is not at the migration revision this code needs."""

    code = "schema_out_of_date"


class ConcurrentUpdate(Conflict):
    """Someone else saved the case after we read it (optimistic concurrency)."""

    code = "concurrent_update"


class DuplicateCase(Conflict):
    code = "duplicate_case"

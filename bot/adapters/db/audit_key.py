"""The audit chain's secret key. Rows are HMAC-signed with it, so someone who can write the
table but does not hold the key cannot recompute a valid chain over rows they changed.

Where it comes from: AUDIT_KEY, or AUDIT_KEY_FILE (a file holding it, as container secrets
are mounted). The embedded SQLite default needs nothing set: a key is generated once into a
0600 file beside the database file. PostgreSQL has no such default: the key must be given.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.adapters.db.engine import _sqlite_path, normalise_url
from bot.domain.errors import InvalidInput
from bot.logging import get_logger

log = get_logger(__name__)
MIN_KEY_CHARS = 32
KEY_SUFFIX = ".audit-key"
HOW_TO_MAKE_ONE = "at least 32 characters, e.g. from `openssl rand -hex 32`"


class AuditKey:
    """The secret, kept out of every repr and log line."""

    __slots__ = ("_secret",)

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def sign(self, message: str) -> str:
        return hmac.new(self._secret, message.encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "AuditKey(<hidden>)"


class AuditKeyMissing(InvalidInput):
    code = "audit_key_missing"


def key_file_beside(database_url: str) -> Path | None:
    """Where the embedded database keeps its generated key; None for PostgreSQL and for an
    in-memory SQLite database."""
    url = normalise_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    path = _sqlite_path(url)
    return None if path is None else path.with_name(path.name + KEY_SUFFIX)


def _checked(text: str, source: str) -> AuditKey:
    secret = text.strip()
    if len(secret) < MIN_KEY_CHARS:
        raise InvalidInput(f"{source} is too short to be a secret key: use {HOW_TO_MAKE_ONE}.")
    return AuditKey(secret.encode())


def _read(path: Path, source: str) -> AuditKey:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else type(err).__name__
        raise InvalidInput(f"{source}: cannot read {path} ({reason}).") from None
    return _checked(text, f"{source} ({path})")


def _generate(path: Path) -> AuditKey:
    """Write a new key to `path` unless another process just did; either way return the one
    on disk. Written aside and hard-linked into place: a reader never sees half a key."""
    pending = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(pending, path)
            log.info("audit_key_created", file=str(path.absolute()))
        except FileExistsError:
            pass  # another process won the race: use its key
    finally:
        pending.unlink(missing_ok=True)
    return _read(path, "the generated audit key file")


def resolve_audit_key(
    *, key: str | None, key_file: Path | None, database_url: str, create: bool
) -> AuditKey | None:
    """The configured key; for embedded SQLite the generated one (made now when `create`).
    None when there is none: PostgreSQL without AUDIT_KEY, or SQLite whose key file is not
    there and `create` is off."""
    if key is not None and key_file is not None:
        raise InvalidInput("Set AUDIT_KEY or AUDIT_KEY_FILE, not both.")
    if key is not None:
        return _checked(key, "AUDIT_KEY")
    if key_file is not None:
        return _read(key_file, "AUDIT_KEY_FILE")
    if normalise_url(database_url).get_backend_name() != "sqlite":
        return None
    beside = key_file_beside(database_url)
    if beside is None:  # in memory: the database and its key go together
        return AuditKey(secrets.token_hex(32).encode()) if create else None
    if beside.exists():
        log.info("audit_key_file", file=str(beside.absolute()))
        return _read(beside, "the generated audit key file")
    return _generate(beside) if create else None


def key_required_message() -> str:
    return (
        "AUDIT_KEY is not set: on PostgreSQL the audit log is signed with a secret key kept"
        f" outside the database; set AUDIT_KEY ({HOW_TO_MAKE_ONE}) or AUDIT_KEY_FILE."
    )

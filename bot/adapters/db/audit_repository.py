"""The audit log: append-only (database triggers), hash-chained and keyed (this module), so a
changed or removed row shows up when the chain is verified (`rrbot audit verify`).

Each row's hash is HMAC-SHA256(AUDIT_KEY, prev_hash + canonical body) (`alg` hmac-sha256);
rows written before the key existed keep their plain SHA-256 (`alg` sha256) and still verify.
Every `anchor_every` rows the head (seq, hash) is published once committed: logged as
`audit_anchor` and appended to AUDIT_ANCHOR_FILE. Kept outside the database, an anchor shows
a removed tail, which the chain alone cannot.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.adapters.db.audit_key import AuditKey
from bot.adapters.db.models import AuditRow
from bot.logging import get_logger

GENESIS = "0" * 64  # the prev_hash of the first row
KEYED = "hmac-sha256"
PLAIN = "sha256"  # before the key: anyone who can write the table can recompute these
# Held for the rest of the appending transaction: appends from every replica form one chain.
AUDIT_CHAIN_LOCK = 0x5252_4155  # "RRAU"
log = get_logger(__name__)


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"audit detail values must be JSON data, not {type(value).__name__}")


def canonical(value: object) -> str:
    """One spelling per value: sorted keys, no spaces, no NaN (neither backend stores it)."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_plain,
    )


def chain_hash(
    prev_hash: str,
    *,
    at: datetime,
    actor: str,
    action: str,
    case_ref: str | None,
    detail: Mapping[str, Any],
    key: AuditKey | None = None,
) -> str:
    """The row's hash: keyed when `key` is given, plain SHA-256 (the old rows) when not."""
    body = {
        "at": at.astimezone(UTC).isoformat(),
        "actor": actor,
        "action": action,
        "case_ref": case_ref,
        "detail": detail,
    }
    message = prev_hash + canonical(body)
    if key is None:
        return hashlib.sha256(message.encode()).hexdigest()
    return key.sign(message)


@dataclass(frozen=True, slots=True)
class AuditChain:
    """How new rows are signed and how often the head is published as an anchor."""

    key: AuditKey
    anchor_every: int = 100
    anchor_file: Path | None = None


@dataclass(frozen=True, slots=True)
class Anchor:
    seq: int
    hash: str
    at: datetime | None = None
    source: str = ""  # where it was read from, for messages

    def line(self) -> str:
        """`seq hash at`: one line of AUDIT_ANCHOR_FILE, and what `rrbot audit anchor` prints."""
        when = self.at.astimezone(UTC).isoformat() if self.at else ""
        return f"{self.seq} {self.hash} {when}".rstrip()


class SqlAuditLog:
    def __init__(self, session: AsyncSession, chain: AuditChain) -> None:
        self._session = session
        self._chain = chain
        self._unpublished: list[Anchor] = []
        self._listening = False

    async def append(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        case_ref: str | None,
        detail: Mapping[str, Any],
    ) -> None:
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK}
            )
        last = select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
        prev_seq, prev_hash = (await self._session.execute(last)).one_or_none() or (0, GENESIS)
        stored: dict[str, Any] = json.loads(canonical(dict(detail)))  # what reads back later
        at = at.astimezone(UTC)
        digest = chain_hash(
            prev_hash,
            at=at,
            actor=actor,
            action=action,
            case_ref=case_ref,
            detail=stored,
            key=self._chain.key,
        )
        seq = await self._session.scalar(
            insert(AuditRow)
            .values(
                at=at,
                actor=actor,
                action=action,
                case_ref=case_ref,
                detail=stored,
                prev_hash=prev_hash,
                hash=digest,
                alg=KEYED,
            )
            .returning(AuditRow.seq)
        )
        assert seq is not None
        every = self._chain.anchor_every
        if seq // every > prev_seq // every:  # crossed a multiple (PostgreSQL seqs can skip)
            self._anchor_after_commit(Anchor(seq, digest, at))

    def _anchor_after_commit(self, anchor: Anchor) -> None:
        """An anchor for a row that was then rolled back would accuse the log of losing it."""
        self._unpublished.append(anchor)
        if self._listening:
            return
        self._listening = True
        sync = self._session.sync_session
        event.listen(sync, "after_commit", self._publish)
        event.listen(sync, "after_rollback", self._discard)

    def _publish(self, _session: Session) -> None:
        anchors, self._unpublished = self._unpublished, []
        for anchor in anchors:
            log.info("audit_anchor", seq=anchor.seq, hash=anchor.hash)
        path = self._chain.anchor_file
        if path is None or not anchors:
            return
        try:
            with path.open("a", encoding="utf-8") as out:
                out.writelines(a.line() + "\n" for a in anchors)
        except OSError as err:  # the rows are committed: say so, loudly, and carry on
            log.error("audit_anchor_not_written", file=str(path), reason=err.strerror)

    def _discard(self, _session: Session) -> None:
        self._unpublished.clear()

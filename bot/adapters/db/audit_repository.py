"""The audit log: append-only (database triggers) and hash-chained (this module), so a changed
or removed row shows up when the chain is verified (`rrbot audit verify`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import AuditRow

GENESIS = "0" * 64  # the prev_hash of the first row
# Held for the rest of the appending transaction: appends from every replica form one chain.
AUDIT_CHAIN_LOCK = 0x5252_4155  # "RRAU"


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
) -> str:
    body = {
        "at": at.astimezone(UTC).isoformat(),
        "actor": actor,
        "action": action,
        "case_ref": case_ref,
        "detail": detail,
    }
    return hashlib.sha256((prev_hash + canonical(body)).encode()).hexdigest()


class SqlAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
        last = select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
        prev_hash = await self._session.scalar(last) or GENESIS
        stored: dict[str, Any] = json.loads(canonical(dict(detail)))  # what reads back later
        at = at.astimezone(UTC)
        digest = chain_hash(
            prev_hash, at=at, actor=actor, action=action, case_ref=case_ref, detail=stored
        )
        await self._session.execute(
            insert(AuditRow).values(
                at=at,
                actor=actor,
                action=action,
                case_ref=case_ref,
                detail=stored,
                prev_hash=prev_hash,
                hash=digest,
            )
        )


@dataclass(frozen=True, slots=True)
class AuditVerification:
    ok: bool
    checked: int  # rows read, up to and including the first broken one
    broken_seq: int | None = None
    reason: str = ""
    last_hash: str = GENESIS

    @property
    def message(self) -> str:
        if self.ok and self.checked == 0:
            return "Audit log intact: no rows yet."
        if self.ok:
            return (
                f"Audit log intact: {self.checked} rows verified; the last hash is"
                f" {self.last_hash} (note it elsewhere to detect a removed tail later)."
            )
        return f"Audit log broken at row {self.broken_seq}: {self.reason}."


async def verify(session: AsyncSession) -> AuditVerification:
    """Walk the chain in order; stop at the first row that does not check out."""
    columns = (AuditRow.seq, AuditRow.at, AuditRow.actor, AuditRow.action, AuditRow.case_ref)
    query = select(*columns, AuditRow.detail, AuditRow.prev_hash, AuditRow.hash).order_by(
        AuditRow.seq
    )
    expected_prev, prev_seq, checked = GENESIS, None, 0
    rows = await session.stream(query.execution_options(yield_per=1000))
    async for seq, at, actor, action, case_ref, detail, prev_hash, hash_ in rows:
        checked += 1
        if prev_hash != expected_prev:
            if prev_seq is None:
                why = "it is the first row but does not start the chain: earlier rows were removed"
            else:
                why = (
                    f"it does not follow on from row {prev_seq}: a row between them was removed,"
                    f" or row {prev_seq} was rewritten together with its hash"
                )
            return AuditVerification(False, checked, seq, why, expected_prev)
        recomputed = chain_hash(
            prev_hash, at=at, actor=actor, action=action, case_ref=case_ref, detail=detail
        )
        if recomputed != hash_:
            why = "it was changed after it was written (its content no longer matches its hash)"
            return AuditVerification(False, checked, seq, why, expected_prev)
        expected_prev, prev_seq = hash_, seq
    return AuditVerification(True, checked, last_hash=expected_prev)

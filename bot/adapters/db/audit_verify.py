"""`rrbot audit verify` and `rrbot audit anchor`: walk the chain, row by row, checking each
hash by the algorithm it was written with, and that every anchor kept outside the database
still matches the row it was written for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from bot.adapters.db.audit_key import AuditKey, AuditKeyMissing
from bot.adapters.db.audit_repository import GENESIS, KEYED, PLAIN, Anchor, chain_hash
from bot.adapters.db.engine import check_connection, describe, make_engine, session_factory
from bot.adapters.db.errors import SchemaOutOfDate
from bot.adapters.db.migrate import current_revision
from bot.adapters.db.models import AuditRow

CHANGED = "it was changed after it was written (its content no longer matches its hash)"


@dataclass(frozen=True, slots=True)
class AuditVerification:
    ok: bool
    checked: int  # rows read, up to and including the first broken one
    broken_seq: int | None = None
    reason: str = ""
    last_hash: str = GENESIS
    last_seq: int = 0
    keyed: int = 0  # rows signed with the key
    anchors: int = 0  # anchors checked

    @property
    def unkeyed(self) -> int:
        return self.checked - self.keyed

    @property
    def message(self) -> str:
        if not self.ok:
            return f"Audit log broken at row {self.broken_seq}: {self.reason}."
        if self.checked == 0:
            return "Audit log intact: no rows yet."
        text = f"Audit log intact: {self.checked} rows verified"
        if self.unkeyed:
            text += (
                f" ({self.keyed} signed with the audit key; {self.unkeyed} from before it, plain"
                " SHA-256, which only an anchor kept elsewhere can vouch for)"
            )
        if self.anchors:
            text += f"; {self.anchors} anchor{'s' if self.anchors > 1 else ''} matched"
        text += f"; the last is row {self.last_seq} with hash {self.last_hash}"
        if not self.anchors:
            text += " (keep `rrbot audit anchor` elsewhere to detect a removed tail later)"
        return text + "."


class _Walk:
    """The state of one walk along the chain."""

    def __init__(self, key: AuditKey | None, anchors: Sequence[Anchor]) -> None:
        self.key = key
        self.anchors = {a.seq: a for a in anchors}
        self.matched = 0
        self.expected_prev, self.prev_seq, self.checked, self.keyed = GENESIS, 0, 0, 0
        self.first_keyed: int | None = None

    def fault(self, seq: int, row: AuditRow) -> str | None:
        """Why row `seq` does not check out, or None when it does."""
        if row.prev_hash != self.expected_prev:
            if not self.prev_seq:
                return "it is the first row but does not start the chain: earlier rows were removed"
            return (
                f"it does not follow on from row {self.prev_seq}: a row between them was removed,"
                f" or row {self.prev_seq} was rewritten together with its hash"
            )
        if row.alg == KEYED:
            if self.key is None:
                raise AuditKeyMissing(
                    f"Row {seq} of the audit log is signed with the audit key, so checking it"
                    " needs the key: set AUDIT_KEY or AUDIT_KEY_FILE as the server has them."
                )
            self.first_keyed = self.first_keyed or seq
            key: AuditKey | None = self.key
        elif row.alg == PLAIN and self.first_keyed is not None:
            return (
                f"it is an unkeyed (plain SHA-256) row after rows signed with the audit key"
                f" (from row {self.first_keyed}): someone without the key wrote it"
            )
        elif row.alg == PLAIN:
            key = None
        else:
            return f"its hash algorithm '{row.alg[:16]}' is not one rrbot writes"
        recomputed = chain_hash(
            row.prev_hash,
            at=row.at,
            actor=row.actor,
            action=row.action,
            case_ref=row.case_ref,
            detail=row.detail,
            key=key,
        )
        if recomputed != row.hash:
            return CHANGED
        anchor = self.anchors.pop(seq, None)
        if anchor is not None and anchor.hash != row.hash:
            return (
                f"its hash is not the one anchored for it ({anchor.source}): the log was"
                " rewritten from this row or before, by someone holding the key"
            )
        self.matched += anchor is not None
        return None

    def missing_anchor(self) -> tuple[int, str] | None:
        """An anchored row the walk never met: the tail after it (or the row) was removed."""
        if not self.anchors:
            return None
        latest = max(self.anchors.values(), key=lambda a: a.seq)
        if latest.seq > self.prev_seq:
            why = (
                f"the log ends at row {self.prev_seq} but an anchor was written at row"
                f" {latest.seq} ({latest.source}): the rows after {self.prev_seq} were removed"
            )
            return latest.seq, why
        first = min(self.anchors.values(), key=lambda a: a.seq)
        return first.seq, f"it was anchored ({first.source}) but is no longer in the log"


async def verify(
    session: AsyncSession, key: AuditKey | None = None, anchors: Sequence[Anchor] = ()
) -> AuditVerification:
    """Walk the chain in order; stop at the first row that does not check out. Raises
    AuditKeyMissing at the first keyed row when no key is given."""
    walk = _Walk(key, anchors)
    rows = await session.stream_scalars(
        select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)
    )
    async for row in rows:
        walk.checked += 1
        why = walk.fault(row.seq, row)
        if why is not None:
            return AuditVerification(False, walk.checked, row.seq, why, walk.expected_prev)
        walk.keyed += row.alg == KEYED
        walk.expected_prev, walk.prev_seq = row.hash, row.seq
        session.expunge(row)  # a long log is streamed, not held
    missing = walk.missing_anchor()
    if missing is not None:
        return AuditVerification(False, walk.checked, *missing, walk.expected_prev, walk.prev_seq)
    return AuditVerification(
        True,
        walk.checked,
        last_hash=walk.expected_prev,
        last_seq=walk.prev_seq,
        keyed=walk.keyed,
        anchors=walk.matched,
    )


async def _open(url: str) -> None:
    await check_connection(url)
    if await current_revision(url) is None:
        where = describe(url)
        raise SchemaOutOfDate(
            f"{where[0].upper()}{where[1:]} has no rrbot tables yet; run `rrbot db upgrade`."
        )


async def verify_database(
    url: str, key: AuditKey | None = None, anchors: Iterable[Anchor] = ()
) -> AuditVerification:
    await _open(url)
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as session:
            return await verify(session, key, list(anchors))
    finally:
        await engine.dispose()


async def head_anchor(url: str, key: AuditKey | None) -> tuple[AuditVerification, Anchor | None]:
    """The whole chain verified, and its last row as an anchor to keep (None when empty)."""
    result = await verify_database(url, key)
    if not result.ok or result.checked == 0:
        return result, None
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with session_factory(engine)() as session:
            at = await session.scalar(select(AuditRow.at).where(AuditRow.seq == result.last_seq))
    finally:
        await engine.dispose()
    return result, Anchor(result.last_seq, result.last_hash, at)

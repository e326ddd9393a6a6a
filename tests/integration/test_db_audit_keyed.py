"""The keyed audit chain: without the key nobody can recompute a chain that verifies, old
unkeyed rows still verify, and an anchor kept outside the database shows a removed tail."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.testing import capture_logs

from bot.adapters.db.audit_anchors import parse_anchors
from bot.adapters.db.audit_key import AuditKey, AuditKeyMissing
from bot.adapters.db.audit_repository import GENESIS, KEYED, Anchor, AuditChain, chain_hash
from bot.adapters.db.audit_verify import AuditVerification, verify
from bot.adapters.db.engine import session_factory
from bot.adapters.db.models import AuditRow
from bot.adapters.db.uow import SqlUnitOfWork
from tests.support.audit import TEST_AUDIT_KEY

AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
Uows = Callable[[], SqlUnitOfWork]


def _row(i: int) -> dict[str, Any]:
    return {
        "at": AT + timedelta(minutes=i),
        "actor": "officer@partnership.example.org",
        "action": "return_recorded",
        "case_ref": "LLR-RR-2026-001",
        "detail": {"agency": "police", "n": i},
    }


def _uows(engine: AsyncEngine, chain: AuditChain) -> Uows:
    sessions = session_factory(engine)
    return lambda: SqlUnitOfWork(sessions, chain)


async def _append(uows: Uows, n: int, *, start: int = 0) -> None:
    async with uows() as uow:
        for i in range(start, start + n):
            await uow.audit.append(**_row(i))
        await uow.commit()


async def _verify(
    uows: Uows, key: AuditKey | None = TEST_AUDIT_KEY, anchors: Sequence[Anchor] = ()
) -> AuditVerification:
    async with uows() as uow:
        return await verify(uow.session, key, anchors)


async def _as_owner(
    engine: AsyncEngine, backend: str, *statements: tuple[str, dict[str, Any]]
) -> None:
    """What someone who owns the table can do: lift the triggers and rewrite rows."""
    async with engine.begin() as connection:
        if backend == "sqlite":
            await connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
            await connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
        else:  # one transaction: the triggers are back for the next test whatever happens
            await connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        for sql, params in statements:
            await connection.execute(text(sql), params)
        if backend != "sqlite":
            await connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


async def _recompute_from(
    uows: Uows, engine: AsyncEngine, backend: str, seq: int, *, alg: str, key: AuditKey | None
) -> None:
    """Recompute every hash from row `seq` on, as an attacker would after changing it."""
    async with uows() as uow:
        rows = (await uow.session.scalars(select(AuditRow).order_by(AuditRow.seq))).all()
    prev, updates = GENESIS, []
    for row in rows:
        if row.seq >= seq:
            digest = chain_hash(
                prev,
                at=row.at,
                actor=row.actor,
                action=row.action,
                case_ref=row.case_ref,
                detail=row.detail,
                key=key,
            )
            updates.append(
                (
                    "UPDATE audit_log SET prev_hash = :p, hash = :h, alg = :a WHERE seq = :s",
                    {"p": prev, "h": f"{row.seq:064x}", "a": alg, "s": row.seq},
                )
            )
            updates.append(
                ("UPDATE audit_log SET hash = :h WHERE seq = :s", {"h": digest, "s": row.seq})
            )
            prev = digest
        else:
            prev = row.hash
    await _as_owner(engine, backend, *updates)


async def test_new_rows_are_signed_and_only_the_key_verifies_them(uow_factory: Uows) -> None:
    await _append(uow_factory, 3)

    async with uow_factory() as uow:
        algs = (await uow.session.scalars(select(AuditRow.alg))).all()
    assert algs == [KEYED] * 3
    assert (await _verify(uow_factory)).ok
    wrong = await _verify(uow_factory, AuditKey(b"another-partnership-key-0123456789abcdef"))
    assert (wrong.ok, wrong.broken_seq) == (False, 1)
    with pytest.raises(
        AuditKeyMissing, match="Row 1 of the audit log is signed with the audit key"
    ):
        await _verify(uow_factory, key=None)


async def test_a_changed_row_with_a_chain_recomputed_without_the_key_is_detected(
    uow_factory: Uows, engine: AsyncEngine, backend: str
) -> None:
    await _append(uow_factory, 4)
    await _as_owner(
        engine,
        backend,
        ("UPDATE audit_log SET actor = 'someone.else@example.org' WHERE seq = 2", {}),
    )
    await _recompute_from(uow_factory, engine, backend, 2, alg=KEYED, key=None)

    result = await _verify(uow_factory)

    assert (result.ok, result.broken_seq) == (False, 2)
    assert "it was changed after it was written" in result.message


async def test_rows_relabelled_as_unkeyed_after_keyed_ones_are_a_downgrade(
    uow_factory: Uows, engine: AsyncEngine, backend: str
) -> None:
    await _append(uow_factory, 4)
    await _as_owner(
        engine,
        backend,
        ("UPDATE audit_log SET actor = 'someone.else@example.org' WHERE seq = 3", {}),
    )
    await _recompute_from(uow_factory, engine, backend, 3, alg="sha256", key=None)

    result = await _verify(uow_factory)

    assert (result.ok, result.broken_seq) == (False, 3)
    assert result.message == (
        "Audit log broken at row 3: it is an unkeyed (plain SHA-256) row after rows signed with"
        " the audit key (from row 1): someone without the key wrote it."
    )


async def test_rows_from_before_the_key_still_verify(
    engine: AsyncEngine, uow_factory: Uows
) -> None:
    """A database written before 0005 holds plain SHA-256 rows; the keyed chain continues it."""
    async with engine.begin() as connection:
        prev = GENESIS
        for i in range(2):
            digest = chain_hash(prev, **_row(i))
            await connection.execute(
                insert(AuditRow).values(**_row(i), prev_hash=prev, hash=digest)
            )
            prev = digest
    await _append(uow_factory, 2, start=2)

    result = await _verify(uow_factory)

    assert (result.ok, result.checked, result.keyed) == (True, 4, 2)
    assert "(2 signed with the audit key; 2 from before it, plain SHA-256" in result.message


async def test_a_whole_chain_rewritten_without_the_key_is_caught_by_an_anchor(
    uow_factory: Uows, engine: AsyncEngine, backend: str
) -> None:
    """Relabelled as a log from before the key, a forged chain verifies on its own, and says it
    is unkeyed; the anchor kept outside the database is what exposes it."""
    await _append(uow_factory, 3)
    before = await _verify(uow_factory)
    anchor = Anchor(before.last_seq, before.last_hash, source="the printed anchor")
    await _as_owner(
        engine,
        backend,
        ("UPDATE audit_log SET actor = 'someone.else@example.org' WHERE seq = 2", {}),
    )
    await _recompute_from(uow_factory, engine, backend, 1, alg="sha256", key=None)

    alone = await _verify(uow_factory)
    anchored = await _verify(uow_factory, anchors=[anchor])

    assert alone.ok and alone.keyed == 0 and "3 from before it" in alone.message
    assert (anchored.ok, anchored.broken_seq) == (False, 3)
    assert "its hash is not the one anchored for it (the printed anchor)" in anchored.message


async def test_a_removed_tail_is_detected_with_the_anchor_file(
    engine: AsyncEngine, backend: str, tmp_path: Path
) -> None:
    anchor_file = tmp_path / "anchors.txt"
    uows = _uows(engine, AuditChain(TEST_AUDIT_KEY, anchor_every=2, anchor_file=anchor_file))
    with capture_logs() as logs:
        await _append(uows, 5)
    await _as_owner(engine, backend, ("DELETE FROM audit_log WHERE seq >= 4", {}))

    without = await _verify(uows)
    with_anchors = await _verify(uows, anchors=parse_anchors([str(anchor_file)]))

    lines = anchor_file.read_text().splitlines()
    assert [line.split()[0] for line in lines] == ["2", "4"]
    assert [(e["seq"], e["hash"]) for e in logs if e["event"] == "audit_anchor"] == [
        (int(line.split()[0]), line.split()[1]) for line in lines
    ]
    assert without.ok  # the chain alone cannot see a missing tail
    assert (with_anchors.ok, with_anchors.broken_seq) == (False, 4)
    assert with_anchors.message == (
        "Audit log broken at row 4: the log ends at row 3 but an anchor was written at row 4"
        " (anchors.txt line 2): the rows after 3 were removed."
    )


async def test_an_anchor_is_published_only_once_its_row_is_committed(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    anchor_file = tmp_path / "anchors.txt"
    uows = _uows(engine, AuditChain(TEST_AUDIT_KEY, anchor_every=1, anchor_file=anchor_file))
    async with uows() as uow:
        await uow.audit.append(**_row(0))  # rolled back: row 1 never existed
    assert not anchor_file.exists()

    await _append(uows, 1)

    [line] = anchor_file.read_text().splitlines()
    seq, hash_, at = line.split()
    result = await _verify(uows, anchors=parse_anchors([f"{seq}:{hash_}"]))
    assert result.ok and result.anchors == 1 and at == AT.isoformat()

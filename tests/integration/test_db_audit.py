"""The audit log: the database refuses changes, and the hash chain shows any that got through."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.db.audit_repository import GENESIS
from bot.adapters.db.audit_verify import AuditVerification, verify, verify_database
from bot.adapters.db.errors import SchemaOutOfDate
from bot.adapters.db.models import AuditRow
from bot.adapters.db.uow import SqlUnitOfWork
from tests.support.audit import TEST_AUDIT_KEY

UowFactory = Callable[[], SqlUnitOfWork]
AT = datetime(2027, 1, 4, 9, 0, 0, 123456, tzinfo=UTC)


async def _append(uow_factory: UowFactory, n: int, *, start: int = 0) -> None:
    async with uow_factory() as uow:
        for i in range(start, start + n):
            await uow.audit.append(
                at=AT + timedelta(minutes=i),
                actor="officer@partnership.example.org",
                action="return_recorded",
                case_ref="LLR-RR-2026-001",
                detail={"agency": "police", "n": i, "late_by": 0.5, "on": date(2027, 1, 4)},
            )
        await uow.commit()


async def _verify(uow_factory: UowFactory) -> AuditVerification:
    async with uow_factory() as uow:
        return await verify(uow.session, TEST_AUDIT_KEY)


async def test_appended_rows_form_a_chain_that_verifies(
    uow_factory: UowFactory, database_url: str
) -> None:
    await _append(uow_factory, 3)
    async with uow_factory() as uow:
        await uow.audit.append(
            at=datetime(2027, 1, 4, 10, 0, tzinfo=ZoneInfo("Europe/London")),
            actor="rrbot",
            action="case_closed",
            case_ref=None,
            detail={},
        )
        await uow.commit()

    async with uow_factory() as uow:
        rows = (await uow.session.scalars(select(AuditRow).order_by(AuditRow.seq))).all()
        result = await verify(uow.session, TEST_AUDIT_KEY)

    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(rows))
    assert rows[0].detail == {"agency": "police", "n": 0, "late_by": 0.5, "on": "2027-01-04"}
    assert rows[3].at == datetime(2027, 1, 4, 10, 0, tzinfo=UTC) and rows[3].at.tzinfo is UTC
    assert (result.ok, result.checked, result.broken_seq) == (True, 4, None)
    assert result.last_hash == rows[3].hash
    checked = await verify_database(database_url, TEST_AUDIT_KEY)
    assert checked.ok and checked.message.startswith("Audit log intact: 4 rows verified;")


async def test_an_empty_log_verifies(uow_factory: UowFactory) -> None:
    result = await _verify(uow_factory)
    assert (result.ok, result.checked) == (True, 0)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log WHERE seq = 1"],
)
async def test_the_database_refuses_to_change_or_remove_a_row(
    uow_factory: UowFactory, statement: str
) -> None:
    await _append(uow_factory, 2)
    async with uow_factory() as uow:
        with pytest.raises(DBAPIError, match="audit_log is append-only"):
            await uow.session.execute(text(statement))


async def _tamper(engine: AsyncEngine, backend: str, statement: str) -> None:
    """What someone with the power to lift the triggers could do."""
    async with engine.begin() as connection:
        if backend == "sqlite":
            await connection.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            await connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
            await connection.exec_driver_sql(statement)
        else:  # in one transaction, so the trigger is back for the next test whatever happens
            await connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            await connection.exec_driver_sql(statement)
            await connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


async def test_a_changed_row_is_named(
    uow_factory: UowFactory, engine: AsyncEngine, backend: str
) -> None:
    await _append(uow_factory, 4)
    await _tamper(
        engine, backend, "UPDATE audit_log SET actor = 'someone.else@example.org' WHERE seq = 3"
    )

    result = await _verify(uow_factory)

    assert (result.ok, result.broken_seq, result.checked) == (False, 3, 3)
    assert result.message == (
        "Audit log broken at row 3: it was changed after it was written"
        " (its content no longer matches its hash)."
    )


async def test_a_removed_row_is_named(
    uow_factory: UowFactory, engine: AsyncEngine, backend: str
) -> None:
    await _append(uow_factory, 4)
    await _tamper(engine, backend, "DELETE FROM audit_log WHERE seq = 2")

    result = await _verify(uow_factory)

    assert result.broken_seq == 3
    assert "does not follow on from row 1" in result.message


async def test_a_removed_first_row_is_named(
    uow_factory: UowFactory, engine: AsyncEngine, backend: str
) -> None:
    await _append(uow_factory, 2)
    await _tamper(engine, backend, "DELETE FROM audit_log WHERE seq = 1")

    result = await _verify(uow_factory)

    assert result.broken_seq == 2
    assert "does not start the chain" in result.message


async def test_concurrent_appends_stay_one_chain(uow_factory: UowFactory) -> None:
    await asyncio.gather(*(_append(uow_factory, 2, start=10 * n) for n in range(10)))

    result = await _verify(uow_factory)

    assert (result.ok, result.checked) == (True, 20)


async def test_verifying_an_empty_database_says_what_to_do(unmigrated_database_url: str) -> None:
    with pytest.raises(SchemaOutOfDate, match="no rrbot tables yet; run `rrbot db upgrade`"):
        await verify_database(unmigrated_database_url)

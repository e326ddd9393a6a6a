"""Booking claims on a real database: one holder at a time per case, a number that grows
with each change recorded (and is given again to a change tried again), and a claim that a
crashed holder leaves behind simply expires."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.db.engine import make_engine, session_factory
from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.cases import Case
from bot.domain.errors import NotFound
from tests.support.audit import TEST_AUDIT_CHAIN

NOW = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
TWO_MINUTES = timedelta(minutes=2)
REF = "LLR-RR-2026-001"


async def claim(uows: Callable[[], SqlUnitOfWork], holder: str, now: datetime) -> int | None:
    async with uows() as uow:
        sequence = await uow.booking_claims.claim(
            case_ref=REF, holder=holder, now=now, until=now + TWO_MINUTES
        )
        await uow.commit()
        return sequence


async def release(uows: Callable[[], SqlUnitOfWork], holder: str, *, recorded: bool = True) -> bool:
    async with uows() as uow:
        released = await uow.booking_claims.release(case_ref=REF, holder=holder, recorded=recorded)
        await uow.commit()
        return released


@pytest.fixture
async def with_case(
    uow_factory: Callable[[], SqlUnitOfWork], make_case: Callable[..., Case]
) -> Callable[[], SqlUnitOfWork]:
    async with uow_factory() as uow:
        await uow.cases.add(make_case(REF, full=False))
        await uow.commit()
    return uow_factory


async def test_one_holder_at_a_time_and_each_booking_gets_the_next_number(
    with_case: Callable[[], SqlUnitOfWork],
) -> None:
    assert await claim(with_case, "first", NOW) == 1
    assert await claim(with_case, "second", NOW + timedelta(seconds=30)) is None  # still live
    assert not await release(with_case, "second")  # not theirs to give back
    assert await release(with_case, "first")
    assert await claim(with_case, "second", NOW + timedelta(seconds=31)) == 2


async def test_a_change_not_recorded_is_tried_again_under_the_same_number(
    with_case: Callable[[], SqlUnitOfWork],
) -> None:
    # Outlook's answer was lost: the invite may exist, so trying again must send the same
    # transaction id (Outlook then answers with that invite instead of making a second).
    assert await claim(with_case, "lost-answer", NOW) == 1
    assert await release(with_case, "lost-answer", recorded=False)
    assert await claim(with_case, "try-again", NOW + timedelta(seconds=5)) == 1
    assert await release(with_case, "try-again", recorded=True)
    assert await claim(with_case, "a-move", NOW + timedelta(seconds=10)) == 2


async def test_a_claim_left_by_a_crashed_holder_expires(
    with_case: Callable[[], SqlUnitOfWork],
) -> None:
    assert await claim(with_case, "crashed", NOW) == 1
    assert await claim(with_case, "next", NOW + TWO_MINUTES) == 1  # the same change, again
    assert not await release(with_case, "crashed")  # too late: its booking must not record


async def test_a_claim_on_an_unknown_case_is_refused_by_its_reference(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    with pytest.raises(NotFound, match=f"No case with reference {REF}"):
        await claim(uow_factory, "someone", NOW)


async def test_two_processes_claiming_at_the_same_moment_get_one_claim(
    with_case: Callable[[], SqlUnitOfWork], database_url: str
) -> None:
    engines = [make_engine(database_url) for _ in range(4)]
    try:
        factories = [session_factory(e) for e in engines]
        claims = await asyncio.gather(
            *(
                claim(lambda f=f: SqlUnitOfWork(f, TEST_AUDIT_CHAIN), f"process-{n}", NOW)  # type: ignore[misc]
                for n, f in enumerate(factories)
            )
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(claims, key=lambda c: c or 0) == [None, None, None, 1]

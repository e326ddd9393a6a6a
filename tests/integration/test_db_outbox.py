"""The outbox: planned once, claimed by one worker at a time, retried, dropped when moot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.db.outbox_repository import SqlOutbox
from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.errors import NotFound
from bot.domain.outbox import DueAction, Outcome

UowFactory = Callable[[], SqlUnitOfWork]
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def action(key: str, due_in: timedelta = timedelta(0), **changes: object) -> DueAction:
    fields: dict[str, object] = {
        "key": key,
        "kind": "chase",
        "due_at": NOW + due_in,
        "case_ref": key.split(":")[0],
        "payload": {"agency": "police", "step": "reminder"},
    }
    fields.update(changes)
    return DueAction(**fields)  # type: ignore[arg-type]


async def _plan(uow_factory: UowFactory, *actions: DueAction) -> list[bool]:
    async with uow_factory() as uow:
        planned = [await uow.outbox.plan(a) for a in actions]
        await uow.commit()
    return planned


async def _claim(
    uow_factory: UowFactory, now: datetime = NOW, worker: str = "w1", limit: int = 10
) -> list[DueAction]:
    async with uow_factory() as uow:
        claimed = await uow.outbox.claim_due(now=now, worker=worker, lease=LEASE, limit=limit)
        await uow.commit()
    return claimed


async def _pending(uow_factory: UowFactory, case_ref: str | None = None) -> list[DueAction]:
    async with uow_factory() as uow:
        return await uow.outbox.pending(case_ref=case_ref)


async def test_planning_is_idempotent_by_key(uow_factory: UowFactory) -> None:
    first = action("LLR-RR-2026-001:chase:police:reminder")
    again = action("LLR-RR-2026-001:chase:police:reminder", timedelta(days=1), kind="other")

    assert await _plan(uow_factory, first, again) == [True, False]
    assert await _plan(uow_factory, again) == [False]

    [stored] = await _pending(uow_factory)
    assert (stored.key, stored.kind, stored.due_at) == (first.key, "chase", NOW)
    assert stored.payload == {"agency": "police", "step": "reminder"}
    assert stored.id is not None and stored.attempts == 0 and stored.outcome is None


async def test_only_due_rows_are_claimed_earliest_first(uow_factory: UowFactory) -> None:
    await _plan(
        uow_factory,
        action("A-RR-2026-001:later", timedelta(minutes=10)),
        action("A-RR-2026-001:due", timedelta(minutes=-5)),
        action("A-RR-2026-001:overdue", timedelta(minutes=-10)),
        action("A-RR-2026-001:due-too", timedelta(minutes=-5)),  # same time: planned order
        action("A-RR-2026-001:exactly-now"),
    )

    claimed = await _claim(uow_factory, limit=3)

    assert [a.key.split(":")[1] for a in claimed] == ["overdue", "due", "due-too"]
    for claim in claimed:
        assert (claim.attempts, claim.leased_by, claim.lease_until) == (1, "w1", NOW + LEASE)
        assert claim.due_at.tzinfo is UTC
        assert claim.lease_until is not None and claim.lease_until.tzinfo is UTC
    assert [a.key.split(":")[1] for a in await _claim(uow_factory, limit=3)] == ["exactly-now"]
    assert await _claim(uow_factory) == []


async def test_a_lease_hides_a_row_until_it_runs_out(uow_factory: UowFactory) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:x"))
    [first] = await _claim(uow_factory, worker="w1")

    assert await _claim(uow_factory, now=NOW + LEASE - timedelta(seconds=1), worker="w2") == []

    [again] = await _claim(uow_factory, now=NOW + LEASE, worker="w2")  # w1 died, say
    assert again.id == first.id
    assert (again.attempts, again.leased_by) == (2, "w2")
    assert again.lease_until == NOW + 2 * LEASE


async def test_concurrent_claimers_never_share_a_row(uow_factory: UowFactory) -> None:
    await _plan(uow_factory, *(action(f"A-RR-2026-001:{n:02d}") for n in range(30)))

    batches = await asyncio.gather(
        *(_claim(uow_factory, worker=f"w{n}", limit=4) for n in range(10))
    )

    ids = [a.id for batch in batches for a in batch]
    assert len(ids) == len(set(ids)) == 30


@pytest.mark.postgres_only
async def test_a_claimer_skips_rows_another_holds_instead_of_waiting(
    uow_factory: UowFactory,
) -> None:
    await _plan(uow_factory, *(action(f"A-RR-2026-001:{n:02d}") for n in range(6)))
    async with uow_factory() as first, uow_factory() as second:
        mine = await first.outbox.claim_due(now=NOW, worker="w1", lease=LEASE, limit=3)
        theirs = await asyncio.wait_for(  # FOR UPDATE without SKIP LOCKED would block here
            second.outbox.claim_due(now=NOW, worker="w2", lease=LEASE, limit=6), timeout=5
        )
        await first.commit()
        await second.commit()

    assert [a.key[-2:] for a in mine] == ["00", "01", "02"]
    assert [a.key[-2:] for a in theirs] == ["03", "04", "05"]


async def test_cancel_drops_only_pending_rows_with_that_prefix(uow_factory: UowFactory) -> None:
    await _plan(
        uow_factory,
        action("LLR-RR-2026-001:chase:police:reminder"),
        action("LLR-RR-2026-001:chase:police:escalate_chair"),
        action("LLR-RR-2026-001:chase:police:chase"),
        action("LLR-RR-2026-001:chase:gp:reminder"),
        action("LLR-RR-2026-0011:chase:police:reminder"),
        action("llr-rr-2026-001:chase:police:reminder"),  # case matters
        action("LLR-RR-2026-001:chase:policeXescalate"),  # "_" and "%" are not wildcards
    )
    async with uow_factory() as uow:
        [done] = [a for a in await uow.outbox.pending() if a.key.endswith(":chase")]
        assert done.id is not None
        await uow.outbox.complete(done.id, at=NOW, outcome="done")
        dropped = await uow.outbox.cancel(
            key_prefix="LLR-RR-2026-001:chase:police:", reason="returned", at=NOW
        )
        assert await uow.outbox.cancel(key_prefix="%", reason="x", at=NOW) == 0
        assert (
            await uow.outbox.cancel(key_prefix="LLR-RR-2026-001:chase:police_", reason="x", at=NOW)
            == 0
        )
        await uow.commit()

    assert dropped == 2
    assert sorted(a.key for a in await _pending(uow_factory)) == [
        "LLR-RR-2026-0011:chase:police:reminder",
        "LLR-RR-2026-001:chase:gp:reminder",
        "LLR-RR-2026-001:chase:policeXescalate",
        "llr-rr-2026-001:chase:police:reminder",
    ]
    async with uow_factory() as uow:
        assert isinstance(uow.outbox, SqlOutbox)
        rows = [await uow.outbox.get(n) for n in (1, 2, 3)]
    assert [(r.outcome, r.last_error) for r in rows] == [
        (Outcome.DROPPED, "returned"),
        (Outcome.DROPPED, "returned"),
        (Outcome.DONE, None),
    ]
    assert rows[0].done_at == NOW


async def test_a_failure_is_rescheduled(uow_factory: UowFactory) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:x"))
    [claimed] = await _claim(uow_factory)
    assert claimed.id is not None
    retry_at = NOW + timedelta(minutes=2)
    async with uow_factory() as uow:
        await uow.outbox.fail(claimed.id, error="Slack said: ratelimited", retry_at=retry_at)
        await uow.commit()

    [waiting] = await _pending(uow_factory)
    assert (waiting.due_at, waiting.lease_until, waiting.leased_by) == (retry_at, None, None)
    assert waiting.last_error == "Slack said: ratelimited"
    assert await _claim(uow_factory, now=retry_at - timedelta(seconds=1)) == []
    [retried] = await _claim(uow_factory, now=retry_at)
    assert retried.attempts == 2


async def test_completing_keeps_the_outside_id(uow_factory: UowFactory) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:x"), action("B-RR-2026-001:y"))
    [first, second] = await _claim(uow_factory)
    assert first.id is not None and second.id is not None
    async with uow_factory() as uow:
        assert isinstance(uow.outbox, SqlOutbox)
        await uow.outbox.complete(first.id, at=NOW, outcome="done", external_id="m-1")
        await uow.outbox.complete(second.id, at=NOW, outcome="dropped")
        assert await uow.outbox.pending() == []
        done = [await uow.outbox.get(first.id), await uow.outbox.get(second.id)]
        await uow.commit()

    assert [(d.external_id, d.outcome) for d in done] == [
        ("m-1", Outcome.DONE),
        (None, Outcome.DROPPED),
    ]
    assert await _claim(uow_factory, now=NOW + timedelta(days=1)) == []


async def test_each_delivery_of_an_action_is_recorded_once(uow_factory: UowFactory) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:escalate"))
    [escalation] = await _claim(uow_factory)
    assert escalation.id is not None
    for recipient, sent in (("dm:a@x:1#1", "ts-1"), ("dm:b@x:1#1", "ts-2"), ("dm:a@x:1#1", "x")):
        async with uow_factory() as uow:
            await uow.outbox.record_delivery(
                escalation.id, recipient=recipient, external_id=sent, at=NOW
            )
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.deliveries(escalation.id) == {
            "dm:a@x:1#1": "ts-1",  # the first record stands
            "dm:b@x:1#1": "ts-2",
        }


async def test_a_failure_moves_the_next_attempt_but_not_the_planned_time(
    uow_factory: UowFactory,
) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:chase"))
    [chase] = await _claim(uow_factory)
    assert chase.id is not None
    async with uow_factory() as uow:
        await uow.outbox.fail(chase.id, error="down", retry_at=NOW + timedelta(days=2))
        await uow.commit()
    [waiting] = await _pending(uow_factory)
    assert waiting.due_at == NOW + timedelta(days=2)
    assert waiting.planned_at == waiting.meant_for == NOW


async def test_a_finished_row_can_be_brought_back_to_run_again(uow_factory: UowFactory) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:open_channel"))
    [opening] = await _claim(uow_factory)
    assert opening.id is not None
    async with uow_factory() as uow:
        await uow.outbox.complete(opening.id, at=NOW, outcome="dropped")
        await uow.commit()
    later = NOW + timedelta(hours=1)
    async with uow_factory() as uow:
        assert await uow.outbox.replan(replace(action("A-RR-2026-001:open_channel"), due_at=later))
        await uow.commit()
    [again] = await _claim(uow_factory, now=later)
    assert (again.id, again.done_at, again.outcome) == (opening.id, None, None)
    async with uow_factory() as uow:  # ... but not while a worker is running it
        assert not await uow.outbox.replan(
            replace(action("A-RR-2026-001:open_channel"), due_at=later)
        )
        await uow.commit()
    assert await _claim(uow_factory, now=later) == []


async def test_the_claims_of_a_worker_known_to_be_gone_are_released(
    uow_factory: UowFactory,
) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:x"), action("A-RR-2026-001:y"))
    async with uow_factory() as uow:
        await uow.outbox.claim_due(now=NOW, worker="dead-1", lease=timedelta(minutes=1), limit=1)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.outbox.claim_holders(now=NOW) == ["dead-1"]
        assert await uow.outbox.release_claims_of("dead-1") == 1
        await uow.commit()
    assert len(await _claim(uow_factory)) == 2  # both free at once, no lease to wait out


async def test_pending_can_be_read_per_case(uow_factory: UowFactory) -> None:
    await _plan(uow_factory, action("A-RR-2026-001:x"), action("A-RR-2026-002:x"))
    assert [a.key for a in await _pending(uow_factory, "A-RR-2026-002")] == ["A-RR-2026-002:x"]


async def test_an_unknown_action_is_named(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(NotFound, match="No due action with id 999"):
            await uow.outbox.complete(999, at=NOW, outcome="done")

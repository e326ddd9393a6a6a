"""The case repository keeps the whole aggregate, numbers cases without gaps or duplicates,
and refuses to overwrite someone else's change."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.adapters.db.case_mapping import new_row
from bot.adapters.db.errors import ConcurrentUpdate, DuplicateCase
from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.cases import Case
from bot.domain.errors import NotFound
from bot.domain.meeting import Response
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import InformationRequest, ReturnKind
from bot.domain.stages import Stage, Track

UowFactory = Callable[[], SqlUnitOfWork]
MakeCase = Callable[..., Case]


async def _add(uow_factory: UowFactory, case: Case) -> None:
    async with uow_factory() as uow:
        await uow.cases.add(case)
        await uow.commit()


async def _get(uow_factory: UowFactory, ref: str) -> Case:
    async with uow_factory() as uow:
        return await uow.cases.get(ref)


async def test_a_full_case_comes_back_equal(uow_factory: UowFactory, make_case: MakeCase) -> None:
    case = make_case()
    await _add(uow_factory, case)

    loaded = await _get(uow_factory, case.ref)

    assert loaded == case
    assert loaded.received_at.tzinfo is UTC
    assert loaded.meeting is not None and loaded.meeting.start.tzinfo is UTC
    assert list(loaded.requests) == ["police", "gp", "la"]  # the order they were sent in


async def test_a_referrals_threshold_decision_comes_back(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    case = make_case(full=False)
    case.track, case.stage = Track.REFERRAL, Stage.THRESHOLD_DECIDED
    case.threshold_met, case.threshold_reasons = False, "Single agency learning only."
    await _add(uow_factory, case)

    loaded = await _get(uow_factory, case.ref)

    assert (loaded.threshold_met, loaded.threshold_reasons) == (
        False,
        "Single agency learning only.",
    )


async def test_every_change_is_saved_and_the_version_moves_on(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    await _add(uow_factory, make_case())
    async with uow_factory() as uow:
        case = await uow.cases.get("LLR-RR-2026-001")
        case.requests["police"].record_return(
            ReturnKind.FULL, date(2027, 1, 7), late_by=2, summary="Two call-outs."
        )
        case.requests["school"] = InformationRequest(
            "school", due=date(2027, 1, 5), sent_on=date(2026, 12, 22)
        )
        del case.requests["la"]
        assert case.meeting is not None
        case.meeting.respond("observer@partnership.example.org", Response.TENTATIVE)
        case.meeting.invite("deputy@police.example.org")
        del case.meeting.invitations["dm@police.example.org"]
        case.meeting.attended = None
        assert case.decision is not None
        case.decision = case.decision.model_copy(update={"outcome_reasons": "Amended."})
        case.stage, case.ratified_on = Stage.RATIFIED, date(2027, 1, 11)
        await uow.cases.save(case)
        await uow.commit()
    assert case.version == 1

    loaded = await _get(uow_factory, case.ref)

    assert loaded == case
    assert loaded.version == 1


async def test_a_meeting_and_a_decision_can_be_removed_and_added_again(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    original = make_case()
    await _add(uow_factory, replace(original))
    for meeting, decision in [(None, None), (original.meeting, original.decision)]:
        async with uow_factory() as uow:
            case = await uow.cases.get(original.ref)
            case.meeting, case.decision = meeting, decision
            await uow.cases.save(case)
            await uow.commit()
        loaded = await _get(uow_factory, original.ref)
        assert (loaded.meeting, loaded.decision) == (meeting, decision)


async def test_references_run_per_code_and_year(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        refs = [
            await uow.cases.next_ref("LLR", 2026),
            await uow.cases.next_ref("LLR", 2026),
            await uow.cases.next_ref("LLR", 2027),
            await uow.cases.next_ref("KENT", 2026),
            await uow.cases.next_ref("LLR", 2026),
        ]
        await uow.commit()
    assert refs == [
        "LLR-RR-2026-001",
        "LLR-RR-2026-002",
        "LLR-RR-2027-001",
        "KENT-RR-2026-001",
        "LLR-RR-2026-003",
    ]


async def test_a_rolled_back_reference_is_given_out_again(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.cases.next_ref("LLR", 2026) == "LLR-RR-2026-001"  # not committed
    async with uow_factory() as uow:
        assert await uow.cases.next_ref("LLR", 2026) == "LLR-RR-2026-001"


async def test_concurrent_openings_never_share_a_reference(uow_factory: UowFactory) -> None:
    async def open_one() -> str:
        async with uow_factory() as uow:
            ref = await uow.cases.next_ref("LLR", 2026)
            await asyncio.sleep(0)  # let the others try while this transaction is open
            await uow.commit()
            return ref

    refs = await asyncio.gather(*(open_one() for _ in range(10)))

    assert sorted(refs) == [f"LLR-RR-2026-{n:03d}" for n in range(1, 11)]


async def test_an_unknown_reference_is_named(uow_factory: UowFactory) -> None:
    with pytest.raises(NotFound, match=r"^No case with reference LLR-RR-2026-999\.$"):
        await _get(uow_factory, "LLR-RR-2026-999")


async def test_a_stale_copy_is_refused(uow_factory: UowFactory, make_case: MakeCase) -> None:
    await _add(uow_factory, make_case())
    stale = await _get(uow_factory, "LLR-RR-2026-001")
    async with uow_factory() as uow:
        fresh = await uow.cases.get("LLR-RR-2026-001")
        fresh.channel = "C-NEW"
        await uow.cases.save(fresh)
        await uow.commit()

    stale.channel = "C-OLD"
    async with uow_factory() as uow:
        with pytest.raises(ConcurrentUpdate) as refused:
            await uow.cases.save(stale)
    assert str(refused.value) == "LLR-RR-2026-001 was changed by someone else; try again."
    assert (await _get(uow_factory, "LLR-RR-2026-001")).channel == "C-NEW"


async def test_a_change_committed_after_reading_is_caught_when_saving(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    await _add(uow_factory, make_case(full=False))
    async with uow_factory() as uow:
        case = await uow.cases.get("LLR-RR-2026-001")
        # What another writer would do between our read and our save:
        await uow.session.execute(text("UPDATE cases SET version = version + 1"))
        case.stage = Stage.REQUESTS_SENT
        with pytest.raises(ConcurrentUpdate, match="changed by someone else"):
            await uow.cases.save(case)


@pytest.mark.postgres_only
async def test_two_writers_racing_on_postgres_one_wins(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    await _add(uow_factory, make_case(full=False))
    both_read = asyncio.Barrier(2)

    async def edit(channel: str) -> str:
        async with uow_factory() as uow:
            case = await uow.cases.get("LLR-RR-2026-001")
            await both_read.wait()
            case.channel = channel
            try:
                await uow.cases.save(case)
            except ConcurrentUpdate:
                return "refused"
            await uow.commit()
            return "saved"

    results = await asyncio.wait_for(asyncio.gather(edit("C-A"), edit("C-B")), timeout=10)

    assert sorted(results) == ["refused", "saved"]
    assert (await _get(uow_factory, "LLR-RR-2026-001")).version == 1


async def test_one_case_per_external_reference_and_code(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    await _add(uow_factory, make_case("LLR-RR-2026-001", external_ref="LA-7", full=False))
    await _add(uow_factory, make_case("KENT-RR-2026-001", external_ref="LA-7", full=False))
    await _add(uow_factory, make_case("LLR-RR-2026-002", external_ref=None, full=False))
    await _add(uow_factory, make_case("LLR-RR-2026-003", external_ref=None, full=False))

    with pytest.raises(DuplicateCase, match=r"reference LA-7\) already exists"):
        await _add(uow_factory, make_case("LLR-RR-2026-004", external_ref="LA-7", full=False))
    with pytest.raises(DuplicateCase, match="LLR-RR-2026-001 .* already exists"):
        await _add(uow_factory, make_case("LLR-RR-2026-001", external_ref="LA-8", full=False))
    async with uow_factory() as uow:  # the database itself refuses, whatever the code checks
        uow.session.add(new_row(make_case("LLR-RR-2026-005", external_ref="LA-7", full=False)))
        with pytest.raises(IntegrityError):
            await uow.session.flush()

    async with uow_factory() as uow:
        found = await uow.cases.by_external_ref("LLR", "LA-7")
        assert found is not None and found.ref == "LLR-RR-2026-001"
        assert await uow.cases.by_external_ref("LLR", "LA-404") is None


async def test_open_cases_leave_out_closed_ones(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    closed = make_case("LLR-RR-2026-002", external_ref=None, full=False)
    closed.stage, closed.closed_on = Stage.CLOSED, date(2027, 2, 1)
    await _add(uow_factory, make_case("LLR-RR-2026-001", full=False))
    await _add(uow_factory, closed)

    async with uow_factory() as uow:
        assert [c.ref for c in await uow.cases.open_cases()] == ["LLR-RR-2026-001"]
        assert [c.ref for c in await uow.cases.all_cases()] == [
            "LLR-RR-2026-001",
            "LLR-RR-2026-002",
        ]


async def test_chases_keep_their_order_and_dates(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    await _add(uow_factory, make_case())
    police = (await _get(uow_factory, "LLR-RR-2026-001")).requests["police"]
    assert [(c.kind, c.on) for c in police.chases] == [
        (ChaseStepKind.REMINDER, date(2027, 1, 4)),
        (ChaseStepKind.ESCALATE_CHAIR, date(2027, 1, 6)),
    ]

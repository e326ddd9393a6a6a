"""The database keeps each version of an agency's structured return (only ever adding
rows), each version of the meeting papers sent, the referrer and the day the outcome was
told, on SQLite and PostgreSQL alike; and a database at 0008 with cases in it upgrades."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bot.adapters.db.engine import make_engine, session_factory
from bot.adapters.db.migrate import upgrade
from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.cases import Case
from bot.domain.papers_sent import PapersSent
from tests.support.audit import TEST_AUDIT_CHAIN
from tests.support.returns import NIL_RETURN, police_return

UowFactory = Callable[[], SqlUnitOfWork]
MakeCase = Callable[..., Case]
LONDON = ZoneInfo("Europe/London")


def _papers(version: int, sent_at: datetime) -> PapersSent:
    return PapersSent(
        version=version,
        sent_at=sent_at,
        fingerprint=f"fp-{version}",
        documents=(("LLR-RR-2026-001 Combined Summary v1.docx", "ab" * 32),),
        parts=(("police", "cd" * 32), ("la", "ef" * 32)),
        event_attachment="AAMk-attachment",
    )


async def _save(uow_factory: UowFactory, case: Case, *, new: bool = False) -> None:
    async with uow_factory() as uow:
        await (uow.cases.add(case) if new else uow.cases.save(case))
        await uow.commit()


async def _get(uow_factory: UowFactory, ref: str) -> Case:
    async with uow_factory() as uow:
        return await uow.cases.get(ref)


async def test_versions_papers_and_the_referrer_come_back_equal(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    case = make_case()
    police = case.requests["police"]
    police.record_structured(
        police_return(partial=True), date(2027, 1, 5), 0, "spoc@police.example"
    )
    police.record_structured(police_return(entries=3), date(2027, 1, 6), 0, "spoc@police.example")
    case.referred_by = "police"
    summer = datetime(2027, 7, 1, 9, 30, 5, 250000, tzinfo=LONDON)  # BST: UTC+1
    case.papers = [_papers(1, datetime(2027, 1, 7, 8, 0, tzinfo=UTC)), _papers(2, summer)]
    case.outcome_told_on = date(2027, 1, 20)
    await _save(uow_factory, case, new=True)

    loaded = await _get(uow_factory, case.ref)

    assert loaded == case
    assert [v.number for v in loaded.requests["police"].versions] == [1, 2]
    assert loaded.requests["police"].versions[0].content.partial is True
    assert all(p.sent_at.tzinfo is UTC for p in loaded.papers)
    assert loaded.papers[1].sent_at == datetime(2027, 7, 1, 8, 30, 5, 250000, tzinfo=UTC)


async def test_a_later_version_is_added_beside_the_first_never_over_it(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    case = make_case()
    case.requests["police"].record_structured(
        police_return(partial=True), date(2027, 1, 5), 0, "spoc@police.example"
    )
    await _save(uow_factory, case, new=True)
    async with uow_factory() as uow:
        stored = await uow.cases.get(case.ref)
        stored.requests["police"].record_structured(
            police_return(), date(2027, 1, 6), 0, "spoc@police.example"
        )
        stored.requests["la"].record_structured(NIL_RETURN, date(2027, 1, 6), 0, "la@la.example")
        await uow.cases.save(stored)
        await uow.commit()

    loaded = await _get(uow_factory, case.ref)

    first, second = loaded.requests["police"].versions
    assert (first.number, first.on, first.content.partial) == (1, date(2027, 1, 5), True)
    assert (second.number, second.on, second.content.partial) == (2, date(2027, 1, 6), False)
    assert [v.number for v in loaded.requests["la"].versions] == [1]


async def test_a_case_without_any_of_it_comes_back_without_it(
    uow_factory: UowFactory, make_case: MakeCase
) -> None:
    await _save(uow_factory, make_case(full=False), new=True)

    loaded = await _get(uow_factory, "LLR-RR-2026-001")

    assert (loaded.referred_by, loaded.papers, loaded.outcome_told_on) == (None, [], None)


_CASE_AT_0008 = """
INSERT INTO cases (ref, playbook, code, track, stage, notified_on, received_at, external_ref,
  channel, agencies, members, subject_names, subject_dobs, threshold_reasons, version)
VALUES ('LLR-RR-2026-007', 'llr', 'LLR', 'rapid_review', 'requests_sent', '2026-12-18',
  '2026-12-18 09:00:00', NULL, 'C0FICTIONAL', '["la"]', '["officer@partnership.example.org"]',
  '["Jamie Fictitious"]', '[]', '', 1)
"""
_REQUEST_AT_0008 = """
INSERT INTO information_requests (case_ref, agency, due, sent_on, delivery, state, chases,
  returned_on, return_kind, summary, late_by, needs_confirmation)
VALUES ('LLR-RR-2026-007', 'la', '2027-01-05', '2026-12-21', 'chat', 'returned', '[]',
  '2027-01-04', 'nil', '', 0, false)
"""


async def test_a_database_at_0008_with_cases_upgrades_and_they_read_as_before(
    unmigrated_database_url: str,
) -> None:
    await upgrade(unmigrated_database_url, "0008")
    engine = make_engine(unmigrated_database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(_CASE_AT_0008))
            await connection.execute(text(_REQUEST_AT_0008))
    finally:
        await engine.dispose()

    await upgrade(unmigrated_database_url)

    upgraded = make_engine(unmigrated_database_url)
    try:
        async with SqlUnitOfWork(session_factory(upgraded), TEST_AUDIT_CHAIN) as uow:
            case = await uow.cases.get("LLR-RR-2026-007")
    finally:
        await upgraded.dispose()
    assert (case.referred_by, case.papers, case.outcome_told_on) == (None, [], None)
    assert case.requests["la"].versions == [] and not case.requests["la"].is_open

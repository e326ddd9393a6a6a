"""Database fixtures shared by every test that needs a real database.

Tests that take `database_url` (directly or through `uow_factory`) run on a fresh SQLite file by
default, and on PostgreSQL when TEST_DATABASE_URL is set: the same test code, both backends.
PostgreSQL is wiped and migrated once per session, then emptied with TRUNCATE between tests.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from bot.adapters.db.engine import make_engine, session_factory
from bot.adapters.db.migrate import downgrade, upgrade
from bot.adapters.db.models import Base
from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.cases import Case
from bot.domain.decision import Criterion, DecisionRecord, ReviewOutcome
from bot.domain.meeting import Invitation, Meeting, Response
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import InformationRequest, ReturnKind
from bot.domain.sensitivity import CaseSubject
from bot.domain.stages import Stage, Track
from tests.support.audit import TEST_AUDIT_CHAIN, TEST_AUDIT_KEY_TEXT

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL") or None
BACKEND = "postgresql" if POSTGRES_URL else "sqlite"
LONDON = ZoneInfo("Europe/London")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "db: uses a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)"
    )
    config.addinivalue_line(
        "markers", "postgres_only: about PostgreSQL behaviour; skipped without TEST_DATABASE_URL"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    db_fixtures = {"database_url", "uow_factory", "engine", "unmigrated_database_url"}
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL")
    for item in items:
        if db_fixtures & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if POSTGRES_URL is None and item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


async def _drop_everything(url: str) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            for table in tables:
                await connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')
            await connection.exec_driver_sql("DROP FUNCTION IF EXISTS audit_log_append_only()")
    finally:
        await engine.dispose()


async def _empty_postgres(url: str) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    engine = make_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            # The audit log refuses TRUNCATE too; the table owner may lift that for a moment.
            await connection.exec_driver_sql(
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate"
            )
            await connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY")
            await connection.exec_driver_sql(
                "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate"
            )
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """PostgreSQL: the wiped and migrated database. SQLite: a migrated file to copy."""
    if POSTGRES_URL:
        asyncio.run(_drop_everything(POSTGRES_URL))
        asyncio.run(upgrade(POSTGRES_URL))
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "rrbot.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return str(path)


@pytest.fixture
async def database_url(migrated_template: str, tmp_path: Path) -> str:
    """An empty database at the head revision."""
    if POSTGRES_URL:
        await _empty_postgres(POSTGRES_URL)
        return POSTGRES_URL
    copy = tmp_path / "rrbot.db"
    shutil.copyfile(migrated_template, copy)
    return f"sqlite+aiosqlite:///{copy}"


@pytest.fixture
async def unmigrated_database_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database with no rrbot schema; PostgreSQL is migrated back to head afterwards."""
    if not POSTGRES_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    await downgrade(POSTGRES_URL, "base")
    try:
        yield POSTGRES_URL
    finally:
        await upgrade(POSTGRES_URL)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(engine: AsyncEngine) -> Callable[[], SqlUnitOfWork]:
    sessions = session_factory(engine)
    return lambda: SqlUnitOfWork(sessions, TEST_AUDIT_CHAIN)


@pytest.fixture
def backend() -> str:
    return BACKEND


def _decision(on: date) -> DecisionRecord:
    return DecisionRecord(
        considered_against_criteria=True,
        criteria_met=(Criterion.IMPROVEMENTS_NEEDED, Criterion.AGENCIES_WORKING_TOGETHER),
        immediate_safeguarding="Siblings placed with the grandparents under a plan.",
        summary_of_facts="A fictional summary of the facts.",
        outcome=ReviewOutcome.LCSPR,
        outcome_reasons="Multi-agency learning about information sharing.",
        national_review_recommended=False,
        national_review_reasons="No national themes.",
        immediate_learning="Share referrals the same day.",
        learning_shared_how="Seven-minute briefing.",
        further_learning_potential="High.",
        agencies_taking_part=("la", "police", "gp"),
        absent_agency_reasons={"school": "On holiday; sent a written return."},
        decided_by=("chair@partnership.example.org",),
        decided_on=on,
    )


def build_case(ref: str = "LLR-RR-2026-001", *, external_ref: str | None = "LA-0001") -> Case:
    """A case with every part filled in: requests (chased, returned), a held meeting with
    responses and attendance, and a decision. All people and details are fictional."""
    notified = date(2026, 12, 18)
    police = InformationRequest("police", due=date(2027, 1, 5), sent_on=date(2026, 12, 21))
    police.record_chase(ChaseStepKind.REMINDER, date(2027, 1, 4))
    police.record_chase(ChaseStepKind.ESCALATE_CHAIR, date(2027, 1, 6))
    gp = InformationRequest(
        "gp", due=date(2027, 1, 5), sent_on=date(2026, 12, 21), delivery="email"
    )
    gp.record_return(ReturnKind.FACTUAL_SUMMARY, date(2027, 1, 6), late_by=1, summary="Seen twice.")
    la = InformationRequest("la", due=date(2027, 1, 5), sent_on=date(2026, 12, 21))
    la.record_return(ReturnKind.NIL, date(2027, 1, 4), late_by=0)
    meeting = Meeting(
        start=datetime(2027, 1, 8, 10, 0, tzinfo=LONDON),
        end=datetime(2027, 1, 8, 11, 30, tzinfo=LONDON),
        day=12,
        event_id="AAMkAGI2-fictional-event",
        invitations={
            "chair@partnership.example.org": Invitation(
                "chair@partnership.example.org", response=Response.ACCEPTED
            ),
            "dm@police.example.org": Invitation("dm@police.example.org", False, Response.DECLINED),
            "observer@partnership.example.org": Invitation(
                "observer@partnership.example.org", information_only=True
            ),
        },
        attended=frozenset({"chair@partnership.example.org", "dm@police.example.org"}),
        held_on=date(2027, 1, 8),
    )
    return Case(
        ref=ref,
        playbook="llr",
        track=Track.RAPID_REVIEW,
        notified_on=notified,
        received_at=datetime(2026, 12, 18, 9, 30, 15, 123456, tzinfo=UTC),
        subject=CaseSubject(
            names=("Jamie Fictitious", "Testperson"), dates_of_birth=(date(2019, 3, 4),)
        ),
        agencies=("la", "police", "gp"),
        members=frozenset({"officer@partnership.example.org", "chair@partnership.example.org"}),
        stage=Stage.DECIDED,
        external_ref=external_ref,
        channel="C0FICTIONAL",
        requests={"police": police, "gp": gp, "la": la},
        meeting=meeting,
        decision=_decision(date(2027, 1, 8)),
    )


def build_bare_case(ref: str, *, external_ref: str | None = None) -> Case:
    """A just-notified case: no requests, meeting or decision yet."""
    return Case(
        ref=ref,
        playbook="llr",
        track=Track.RAPID_REVIEW,
        notified_on=date(2026, 12, 18),
        received_at=datetime(2026, 12, 18, 9, 0, tzinfo=UTC),
        subject=CaseSubject(names=("Jamie Fictitious",), dates_of_birth=()),
        agencies=("la", "police"),
        members=frozenset({"officer@partnership.example.org"}),
        external_ref=external_ref,
    )


@pytest.fixture
def make_case() -> Callable[..., Case]:
    """`make_case(ref, external_ref=..., full=True)`: a sample case (see `build_case`)."""

    def make(
        ref: str = "LLR-RR-2026-001", *, external_ref: str | None = "LA-0001", full: bool = True
    ) -> Case:
        if full:
            return build_case(ref, external_ref=external_ref)
        return build_bare_case(ref, external_ref=external_ref)

    return make


@pytest.fixture(autouse=True)
def _audit_key_on_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL has no generated audit key (SQLite keeps one beside its file): the settings
    every test builds get the one the test unit of work signs with, as a deployment would."""
    if POSTGRES_URL:
        monkeypatch.setenv("AUDIT_KEY", TEST_AUDIT_KEY_TEXT)


@pytest.fixture(autouse=True)
def _logging_at_info() -> None:
    """Every test starts from the same logging set-up: the CLI reconfigures it process-wide
    (WARNING by default), and tests that capture log events need INFO."""
    from bot.logging import configure_logging

    configure_logging("INFO")

"""Cases: the whole aggregate in one object, saved with optimistic concurrency."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot.adapters.db.case_mapping import fill_row, new_row, to_case
from bot.adapters.db.errors import ConcurrentUpdate, DuplicateCase
from bot.adapters.db.models import CaseRow, CaseSequenceRow
from bot.adapters.db.upsert import insert_for
from bot.domain.cases import Case, format_ref
from bot.domain.errors import NotFound
from bot.domain.stages import Stage


class SqlCaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, case: Case) -> None:
        """Insert the case; its reference and the notifier's reference are unique (the
        table's constraints say so, in one round trip rather than a read before the write)."""
        self._session.add(new_row(case))
        try:
            await self._session.flush()
        except IntegrityError:  # a case with this reference or notifier's reference exists
            raise DuplicateCase(
                f"{case.ref} (or a case with the notifying authority's reference"
                f" {case.external_ref}) already exists: added by someone else just now."
            ) from None

    async def get(self, ref: str) -> Case:
        row = await self._session.get(CaseRow, ref)
        if row is None:
            raise NotFound(f"No case with reference {ref}.")
        return to_case(row)

    async def save(self, case: Case) -> None:
        row = await self._session.get(CaseRow, case.ref)
        if row is None:
            raise NotFound(f"No case with reference {case.ref}.")
        if row.version != case.version:
            raise self._stale(case.ref)
        fill_row(row, case)
        # Always a new version, even when only a child row changed: the UPDATE on `cases`
        # carries "WHERE version = <read>", which is what detects a concurrent save.
        row.version = case.version + 1
        try:
            await self._session.flush()
        except StaleDataError:
            raise self._stale(case.ref) from None
        case.version = row.version

    @staticmethod
    def _stale(ref: str) -> ConcurrentUpdate:
        return ConcurrentUpdate(f"{ref} was changed by someone else; try again.")

    async def by_external_ref(self, code: str, external_ref: str) -> Case | None:
        row = await self._session.scalar(
            select(CaseRow).where(CaseRow.code == code, CaseRow.external_ref == external_ref)
        )
        return to_case(row) if row is not None else None

    async def next_ref(self, code: str, year: int) -> str:
        """One atomic upsert: concurrent callers queue on the row lock (PostgreSQL) or the
        write lock (SQLite), so no two transactions get the same number. A rolled-back
        transaction gives its number back."""
        counter = CaseSequenceRow.__table__.c
        statement = insert_for(self._session, CaseSequenceRow).values(
            code=code, year=year, last_number=1
        )
        upsert = statement.on_conflict_do_update(
            index_elements=[counter.code, counter.year],
            set_={"last_number": counter.last_number + 1},
        ).returning(counter.last_number)
        number = (await self._session.execute(upsert)).scalar_one()
        return format_ref(code, year, number)

    async def open_cases(self) -> list[Case]:
        return await self._select(CaseRow.stage != Stage.CLOSED.value)

    async def all_cases(self) -> list[Case]:
        return await self._select()

    async def _select(self, *where: ColumnElement[bool]) -> list[Case]:
        query = select(CaseRow).where(*where).order_by(CaseRow.notified_on, CaseRow.ref)
        return [to_case(row) for row in (await self._session.scalars(query)).all()]

"""Booking claims: who is changing a case's meeting right now, and how many bookings it had.

A claim is taken with one atomic upsert, so two processes cannot both hold it: on PostgreSQL
the conflicting row is locked and its condition re-checked after the other transaction ends;
on SQLite every transaction begins IMMEDIATE (engine.py), one writer at a time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import BookingClaimRow
from bot.adapters.db.upsert import insert_for
from bot.domain.errors import NotFound


class SqlBookingClaims:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(
        self, *, case_ref: str, holder: str, now: datetime, until: datetime
    ) -> int | None:
        row = BookingClaimRow.__table__.c
        # `sequence` counts the changes recorded; this claim's change is the next one.
        first = insert_for(self._session, BookingClaimRow).values(
            case_ref=case_ref, sequence=0, holder=holder, claimed_until=until
        )
        upsert = first.on_conflict_do_update(
            index_elements=[row.case_ref],
            set_={"holder": holder, "claimed_until": until},
            where=or_(row.claimed_until.is_(None), row.claimed_until <= now),
        ).returning(row.sequence)
        try:
            recorded: int | None = (await self._session.execute(upsert)).scalar_one_or_none()
        except IntegrityError:  # the foreign key: there is no such case
            raise NotFound(f"No case with reference {case_ref}.") from None
        return None if recorded is None else recorded + 1

    async def release(self, *, case_ref: str, holder: str, recorded: bool) -> bool:
        table = BookingClaimRow
        released = await self._session.execute(
            update(table)
            .where(table.case_ref == case_ref, table.holder == holder)
            .values(
                holder=None,
                claimed_until=None,
                sequence=table.sequence + 1 if recorded else table.sequence,
            )
        )
        return bool(getattr(released, "rowcount", 0))

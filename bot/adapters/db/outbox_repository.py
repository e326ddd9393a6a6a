"""The `due_actions` outbox: everything that must happen later is a row (ARCHITECTURE.md §3.6)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    Update,
    and_,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.db.models import DeliveryRow, DueActionRow
from bot.adapters.db.upsert import insert_for
from bot.domain.errors import NotFound
from bot.domain.outbox import DueAction, Outcome

MAX_ERROR_CHARS = 2000  # an outside error can be long; keep the row small and the reason


def _to_action(row: DueActionRow) -> DueAction:
    return DueAction(
        key=row.idempotency_key,
        kind=row.kind,
        due_at=row.due_at,
        case_ref=row.case_ref,
        payload=dict(row.payload),
        id=row.id,
        attempts=row.attempts,
        last_error=row.last_error,
        external_id=row.external_id,
        planned_at=row.planned_at or row.due_at,
        lease_until=row.lease_until,
        leased_by=row.leased_by,
        done_at=row.done_at,
        outcome=Outcome(row.outcome) if row.outcome else None,
    )


def _pending() -> ColumnElement[bool]:
    return DueActionRow.done_at.is_(None)


def _with_prefix(prefix: str) -> ColumnElement[bool]:
    key = DueActionRow.idempotency_key
    return and_(
        key.startswith(prefix, autoescape=True),  # "_" in keys is not a wildcard
        func.substr(key, 1, len(prefix)) == prefix,  # SQLite LIKE ignores case
    )


def claimable(
    now: datetime, limit: int, case_ref: str | None = None
) -> Select[Any]:  # Select[int] on SQLAlchemy 2.1
    """Ids of due rows nobody holds, oldest due first: read from the partial index
    `ix_due_actions_pending` (due_at, id) WHERE done_at IS NULL, so its cost follows what is
    due, not how much is planned."""
    query = select(DueActionRow.id).where(
        _pending(),
        DueActionRow.due_at <= now,
        or_(DueActionRow.lease_until.is_(None), DueActionRow.lease_until <= now),
    )
    if case_ref is not None:
        query = query.where(DueActionRow.case_ref == case_ref)
    return (
        query.order_by(DueActionRow.due_at, DueActionRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


class SqlOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def plan(self, action: DueAction) -> bool:
        """Insert unless the key exists: planning the same reminder twice is harmless."""
        statement = (
            insert_for(self._session, DueActionRow)
            .values(
                idempotency_key=action.key,
                case_ref=action.case_ref,
                kind=action.kind,
                payload=action.payload,
                due_at=action.due_at,
                planned_at=action.meant_for,
                attempts=action.attempts,
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(DueActionRow.id)
        )
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def replan(self, action: DueAction) -> bool:
        """Plan it, or bring it back: a row already done (or waiting for a retry) runs again
        at `action.due_at`. For work that must be finished after all (a stranded opening).
        A row a worker is running now is left to it: taking its claim away would run it
        twice at once."""
        if await self.plan(action):
            return True
        free = or_(
            DueActionRow.done_at.is_not(None),
            DueActionRow.lease_until.is_(None),
            DueActionRow.lease_until <= action.due_at,
        )
        statement = (
            update(DueActionRow)
            .where(DueActionRow.idempotency_key == action.key, free)
            .values(
                done_at=None,
                outcome=None,
                due_at=action.due_at,
                lease_until=None,
                leased_by=None,
                payload=action.payload,
            )
            .execution_options(synchronize_session=False)
        )
        return (await self._execute(statement)).rowcount > 0

    async def cancel(
        self, *, key_prefix: str, reason: str, at: datetime, keep: Sequence[str] = ()
    ) -> int:
        statement = (
            update(DueActionRow)
            .where(_pending(), _with_prefix(key_prefix), DueActionRow.idempotency_key.not_in(keep))
            .values(done_at=at, outcome=Outcome.DROPPED.value, last_error=reason[:MAX_ERROR_CHARS])
            .execution_options(synchronize_session=False)
        )
        return (await self._execute(statement)).rowcount

    async def claim_due(
        self,
        *,
        now: datetime,
        worker: str,
        lease: timedelta,
        limit: int,
        case_ref: str | None = None,
    ) -> list[DueAction]:
        """Lease up to `limit` due rows (of one case, if given) to `worker`. On PostgreSQL
        rows another claimer holds are skipped, not waited for; on SQLite the write lock
        already makes claims one at a time. A worker that dies leaves a lease that runs out,
        or is released at once by whoever can tell it died (`release_claims_of`)."""
        ids = list((await self._session.scalars(claimable(now, limit, case_ref))).all())
        if not ids:
            return []
        claimed = await self._session.scalars(
            update(DueActionRow)
            .where(DueActionRow.id.in_(ids))
            .values(
                lease_until=now + lease,
                leased_by=worker,
                attempts=DueActionRow.attempts + 1,
            )
            .returning(DueActionRow)
            .execution_options(populate_existing=True)
        )
        actions = [_to_action(row) for row in claimed.all()]
        delivered = await self._session.execute(
            select(DeliveryRow.action_id, DeliveryRow.recipient, DeliveryRow.external_id).where(
                DeliveryRow.action_id.in_(ids)
            )
        )
        by_id = {a.id: a for a in actions}
        for action_id, recipient, external_id in delivered.all():
            by_id[action_id].delivered[recipient] = external_id
        return sorted(actions, key=lambda a: (a.due_at, a.id or 0))

    async def complete(
        self, action_id: int, *, at: datetime, outcome: str, external_id: str | None = None
    ) -> None:
        values: dict[str, Any] = {"done_at": at, "outcome": Outcome(outcome).value}
        if external_id is not None:  # keep one recorded earlier when none is given now
            values["external_id"] = external_id
        await self._update(action_id, values)

    async def fail(self, action_id: int, *, error: str, retry_at: datetime) -> None:
        await self._update(
            action_id,
            {
                "lease_until": None,
                "leased_by": None,
                "due_at": retry_at,
                "last_error": error[:MAX_ERROR_CHARS],
            },
        )

    async def defer(self, action_id: int, *, until: datetime) -> None:
        """Give a claim back until `until`. The hold is the lease, not the due time, so the
        row keeps its place in due order and its lateness is still counted from when it was
        due; the claim's attempt is given back too."""
        attempts = DueActionRow.attempts
        await self._update(
            action_id,
            {
                "lease_until": until,
                "leased_by": None,
                "attempts": case((attempts > 0, attempts - 1), else_=0),
            },
        )

    async def record_delivery(
        self, action_id: int, *, recipient: str, external_id: str, at: datetime
    ) -> None:
        """One message of this action is out (see `delivery_key`); recording it twice is
        harmless."""
        statement = (
            insert_for(self._session, DeliveryRow)
            .values(action_id=action_id, recipient=recipient, external_id=external_id, sent_at=at)
            .on_conflict_do_nothing(index_elements=["action_id", "recipient"])
        )
        await self._session.execute(statement)

    async def deliveries(self, action_id: int) -> dict[str, str]:
        """What this action already got out: delivery key -> the outside world's id."""
        rows = await self._session.execute(
            select(DeliveryRow.recipient, DeliveryRow.external_id).where(
                DeliveryRow.action_id == action_id
            )
        )
        return {recipient: external_id for recipient, external_id in rows.all()}

    async def renew(self, ids: list[int], *, worker: str, until: datetime) -> int:
        """Extend `worker`'s leases on rows it is still working through."""
        if not ids:
            return 0
        statement = (
            update(DueActionRow)
            .where(DueActionRow.id.in_(ids), DueActionRow.leased_by == worker, _pending())
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )
        return (await self._execute(statement)).rowcount

    async def claim_holders(self, *, now: datetime) -> list[str]:
        """Who holds live claims on pending rows."""
        query = (
            select(DueActionRow.leased_by)
            .where(_pending(), DueActionRow.leased_by.is_not(None), DueActionRow.lease_until > now)
            .distinct()
        )
        return [h for h in (await self._session.scalars(query)).all() if h]

    async def release_claims_of(self, holder: str) -> int:
        """Free every pending row `holder` claimed: it is known to be gone."""
        statement = (
            update(DueActionRow)
            .where(_pending(), DueActionRow.leased_by == holder)
            .values(lease_until=None, leased_by=None)
            .execution_options(synchronize_session=False)
        )
        return (await self._execute(statement)).rowcount

    async def _update(self, action_id: int, values: dict[str, Any]) -> None:
        result = await self._execute(
            update(DueActionRow)
            .where(DueActionRow.id == action_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 0:
            raise NotFound(f"No due action with id {action_id}.")

    async def _execute(self, statement: Update) -> CursorResult[Any]:
        return cast(CursorResult[Any], await self._session.execute(statement))

    async def pending(
        self, *, case_ref: str | None = None, key_prefix: str | None = None
    ) -> list[DueAction]:
        query = select(DueActionRow).where(_pending())
        if case_ref is not None:
            query = query.where(DueActionRow.case_ref == case_ref)
        if key_prefix is not None:
            query = query.where(_with_prefix(key_prefix))
        # Fresh attributes: earlier bulk UPDATEs in this session bypassed the identity map.
        query = query.order_by(DueActionRow.due_at, DueActionRow.id).execution_options(
            populate_existing=True
        )
        return [_to_action(row) for row in (await self._session.scalars(query)).all()]

    async def get(self, action_id: int) -> DueAction:
        row = await self._session.get(DueActionRow, action_id, populate_existing=True)
        if row is None:
            raise NotFound(f"No due action with id {action_id}.")
        return _to_action(row)

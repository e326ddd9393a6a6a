"""An in-memory unit of work for service tests: committed state survives, the rest is lost."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from bot.domain.cases import Case, format_ref
from bot.domain.errors import NotFound
from bot.domain.mail_trust import MailThread
from bot.domain.outbox import DueAction, Outcome
from bot.domain.stages import Stage
from bot.ports import SentMail


@dataclass
class Store:
    cases: dict[str, Case] = field(default_factory=dict)
    sequences: dict[tuple[str, int], int] = field(default_factory=dict)
    actions: dict[str, DueAction] = field(default_factory=dict)
    deliveries: dict[int, dict[str, str]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    mail_threads: list[MailThread] = field(default_factory=list)
    # case reference -> (sequence, holder, claimed until)
    booking_claims: dict[str, tuple[int, str | None, datetime | None]] = field(default_factory=dict)


class MemoryCases:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add(self, case: Case) -> None:
        self.store.cases[case.ref] = case

    async def get(self, ref: str) -> Case:
        case = self.store.cases.get(ref)
        if case is None:
            raise NotFound(f"No case with reference {ref}.")
        return case

    async def save(self, case: Case) -> None:
        case.version += 1
        self.store.cases[case.ref] = case

    async def by_external_ref(self, code: str, external_ref: str) -> Case | None:
        return next(
            (
                c
                for c in self.store.cases.values()
                if c.external_ref == external_ref and c.ref.startswith(code + "-")
            ),
            None,
        )

    async def next_ref(self, code: str, year: int) -> str:
        n = self.store.sequences.get((code, year), 0) + 1
        self.store.sequences[(code, year)] = n
        return format_ref(code, year, n)

    async def open_cases(self) -> list[Case]:
        return [c for c in self.store.cases.values() if c.stage is not Stage.CLOSED]

    async def all_cases(self) -> list[Case]:
        return list(self.store.cases.values())


class MemoryOutbox:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._ids = len(store.actions)

    async def plan(self, action: DueAction) -> bool:
        if action.key in self.store.actions:
            return False
        self._ids += 1
        self.store.actions[action.key] = replace(action, id=self._ids, planned_at=action.meant_for)
        return True

    async def replan(self, action: DueAction) -> bool:
        if await self.plan(action):
            return True
        row = self.store.actions[action.key]
        if row.done_at is None and row.lease_until is not None and row.lease_until > action.due_at:
            return False  # a worker is running it now
        row.done_at, row.outcome, row.due_at = None, None, action.due_at
        row.lease_until, row.leased_by, row.payload = None, None, dict(action.payload)
        return True

    async def cancel(
        self, *, key_prefix: str, reason: str, at: datetime, keep: Sequence[str] = ()
    ) -> int:
        dropped = 0
        for action in self.store.actions.values():
            if (
                action.key.startswith(key_prefix)
                and action.done_at is None
                and action.key not in keep
            ):
                action.done_at, action.outcome, action.last_error = at, Outcome.DROPPED, reason
                dropped += 1
        return dropped

    async def claim_due(
        self,
        *,
        now: datetime,
        worker: str,
        lease: timedelta,
        limit: int,
        case_ref: str | None = None,
    ) -> list[DueAction]:
        due = sorted(
            (
                a
                for a in self.store.actions.values()
                if a.done_at is None
                and (case_ref is None or a.case_ref == case_ref)
                and a.due_at <= now
                and (a.lease_until is None or a.lease_until <= now)
            ),
            key=lambda a: (a.due_at, a.id or 0),
        )[:limit]
        for action in due:
            action.lease_until, action.leased_by = now + lease, worker
            action.attempts += 1
        return [replace(a, delivered=dict(self.store.deliveries.get(a.id or 0, {}))) for a in due]

    def _by_id(self, action_id: int) -> DueAction:
        return next(a for a in self.store.actions.values() if a.id == action_id)

    async def complete(
        self, action_id: int, *, at: datetime, outcome: str, external_id: str | None = None
    ) -> None:
        action = self._by_id(action_id)
        action.done_at, action.outcome, action.external_id = at, Outcome(outcome), external_id

    async def record_delivery(
        self, action_id: int, *, recipient: str, external_id: str, at: datetime
    ) -> None:
        self.store.deliveries.setdefault(action_id, {}).setdefault(recipient, external_id)

    async def deliveries(self, action_id: int) -> dict[str, str]:
        return dict(self.store.deliveries.get(action_id, {}))

    async def renew(self, ids: list[int], *, worker: str, until: datetime) -> int:
        rows = [a for a in self.store.actions.values() if a.id in ids and a.leased_by == worker]
        for action in rows:
            action.lease_until = until
        return len(rows)

    async def claim_holders(self, *, now: datetime) -> list[str]:
        return sorted(
            {
                a.leased_by
                for a in self.store.actions.values()
                if a.done_at is None and a.leased_by and a.lease_until and a.lease_until > now
            }
        )

    async def release_claims_of(self, holder: str) -> int:
        rows = [
            a for a in self.store.actions.values() if a.done_at is None and a.leased_by == holder
        ]
        for action in rows:
            action.lease_until, action.leased_by = None, None
        return len(rows)

    async def fail(self, action_id: int, *, error: str, retry_at: datetime) -> None:
        action = self._by_id(action_id)
        action.lease_until, action.leased_by = None, None
        action.last_error, action.due_at = error, retry_at

    async def defer(self, action_id: int, *, until: datetime) -> None:
        action = self._by_id(action_id)
        action.lease_until, action.leased_by = until, None
        action.attempts = max(action.attempts - 1, 0)

    async def pending(
        self, *, case_ref: str | None = None, key_prefix: str | None = None
    ) -> list[DueAction]:
        return [
            a
            for a in self.store.actions.values()
            if a.done_at is None
            and (case_ref is None or a.case_ref == case_ref)
            and (key_prefix is None or a.key.startswith(key_prefix))
        ]


class MemoryAudit:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def append(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        case_ref: str | None,
        detail: Mapping[str, Any],
    ) -> None:
        self.store.audit.append(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "case_ref": case_ref,
                "detail": dict(detail),
            }
        )


class MemoryMailThreads:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add(self, thread: MailThread) -> None:
        self.store.mail_threads.append(thread)

    async def of_case(self, case_ref: str) -> list[MailThread]:
        return [t for t in self.store.mail_threads if t.case_ref == case_ref]

    async def unresolved(self, *, sent_after: datetime, limit: int) -> list[MailThread]:
        waiting = [
            t
            for t in self.store.mail_threads
            if t.internet_message_id is None and t.sent_at >= sent_after
        ]
        return sorted(waiting, key=lambda t: t.sent_at, reverse=True)[:limit]

    async def resolve(self, send_id: str, sent: SentMail) -> None:
        self.store.mail_threads = [
            replace(
                t,
                internet_message_id=sent.internet_message_id,
                conversation_id=sent.conversation_id or None,
            )
            if t.send_id == send_id
            else t
            for t in self.store.mail_threads
        ]


class MemoryBookingClaims:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def claim(
        self, *, case_ref: str, holder: str, now: datetime, until: datetime
    ) -> int | None:
        if case_ref not in self.store.cases:
            raise NotFound(f"No case with reference {case_ref}.")
        recorded, _, live_until = self.store.booking_claims.get(case_ref, (0, None, None))
        if live_until is not None and live_until > now:
            return None
        self.store.booking_claims[case_ref] = (recorded, holder, until)
        return recorded + 1

    async def release(self, *, case_ref: str, holder: str, recorded: bool) -> bool:
        count, current, _ = self.store.booking_claims.get(case_ref, (0, None, None))
        if current != holder:
            return False
        self.store.booking_claims[case_ref] = (count + recorded, None, None)
        return True


class MemoryUnitOfWork:
    """Works on a deep copy of the committed store; `commit` publishes it."""

    def __init__(self, committed: Store) -> None:
        self._committed = committed

    async def __aenter__(self) -> MemoryUnitOfWork:
        self._work = copy.deepcopy(self._committed)
        self.cases = MemoryCases(self._work)
        self.outbox = MemoryOutbox(self._work)
        self.audit = MemoryAudit(self._work)
        self.mail_threads = MemoryMailThreads(self._work)
        self.booking_claims = MemoryBookingClaims(self._work)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        del self._work

    async def commit(self) -> None:
        self._committed.__dict__.update(copy.deepcopy(self._work).__dict__)

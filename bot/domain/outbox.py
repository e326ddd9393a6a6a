"""Work that must happen later: a row in the `due_actions` outbox, keyed for idempotency."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    DONE = "done"  # it reached the outside world (or needed no outside call)
    DROPPED = "dropped"  # it no longer mattered (request returned, case closed ...)


@dataclass(slots=True)
class DueAction:
    key: str  # unique idempotency key, e.g. "LLR-RR-2026-001:chase:police:escalate_chair"
    kind: str  # what to do, e.g. "chase", "milestone_reminder", "retry_post"
    due_at: datetime  # aware UTC
    case_ref: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    external_id: str | None = None  # recorded before done, checked on a retry
    lease_until: datetime | None = None
    leased_by: str | None = None
    done_at: datetime | None = None
    outcome: Outcome | None = None

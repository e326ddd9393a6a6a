"""Work that must happen later: a row in the `due_actions` outbox, keyed for idempotency."""

from __future__ import annotations

import hashlib
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
    due_at: datetime  # aware UTC: the next attempt (a failure moves it, never `planned_at`)
    case_ref: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    external_id: str | None = None  # the first message's id, kept when done
    planned_at: datetime | None = None  # what it was planned for; `due_at` when None
    # What earlier runs got out, read when it is claimed: delivery key -> the outside id.
    delivered: dict[str, str] = field(default_factory=dict)

    @property
    def meant_for(self) -> datetime:
        """When it was meant to happen: lateness and "this was due on ..." count from here."""
        return self.planned_at or self.due_at

    lease_until: datetime | None = None
    leased_by: str | None = None
    done_at: datetime | None = None
    outcome: Outcome | None = None


def delivery_key(kind: str, recipient: str, content: str) -> str:
    """Who a message went to and what it said (hashed), within one due action: a rerun
    after a crash skips what has this key already and sends everything else. The hash, not
    the order, identifies a message, so a rerun that skips a step does not shift the rest
    (the same text twice to the same person is told apart by a count, `#2`)."""
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    if len(recipient) > 300:  # many addresses: the key stays within its column
        recipient = "#" + hashlib.sha256(recipient.encode()).hexdigest()[:32]
    return f"{kind}:{recipient}:{digest}"

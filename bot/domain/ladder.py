"""The chase ladder of one information request, dated from the playbook (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.playbook import Audience, ChaseStepKind, Playbook
from bot.domain.workdays import WorkingCalendar


@dataclass(frozen=True, slots=True)
class PlannedChase:
    key: str  # the outbox idempotency key
    agency: str
    kind: ChaseStepKind
    on: date
    targets: tuple[Audience, ...]


def chase_key(case_ref: str, agency: str, kind: ChaseStepKind | None = None) -> str:
    """Keys share a per-request prefix so that a return cancels the rest of the ladder."""
    base = f"{case_ref}:chase:{agency}:"
    return base if kind is None else f"{base}{kind.value}"


def plan_chases(
    playbook: Playbook, workdays: WorkingCalendar, case_ref: str, agency: str, due: date
) -> list[PlannedChase]:
    """Every rung of the ladder, each on a working day relative to the request's deadline."""
    return [
        PlannedChase(
            key=chase_key(case_ref, agency, step.kind),
            agency=agency,
            kind=step.kind,
            on=workdays.add(workdays.on_or_after(due), step.offset),
            targets=step.targets,
        )
        for step in playbook.chase_ladder
    ]

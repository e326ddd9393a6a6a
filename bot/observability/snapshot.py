"""What the database says now, read when Prometheus scrapes: open cases by stage, information
requests outstanding and overdue, the outbox's depth and the age of its oldest due row, and
the timeliness of cases against the Panel deadline.

Four aggregate queries on one connection (no row is loaded as an object, and no column that
names a child is read); every replica reports the same figures, so a dashboard takes `max()`
over replicas, not `sum()`. Labels are stages, outbox kinds and on_time: never a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.adapters.db.models import CaseRow, DueActionRow, RequestRow
from bot.domain.stages import Stage, Track
from bot.domain.workdays import WorkingCalendar
from bot.observability.metrics import OUTBOX_KINDS, outbox_kind
from bot.services.context import ServiceContext

OPEN_STAGES = tuple(s.value for s in Stage if s is not Stage.CLOSED)


@dataclass(slots=True)
class Snapshot:
    open_by_stage: dict[str, int] = field(default_factory=dict)
    requests_outstanding: int = 0
    requests_overdue: int = 0
    outbox_pending: dict[str, int] = field(default_factory=dict)
    outbox_due: dict[str, int] = field(default_factory=dict)
    oldest_due_age_seconds: float = 0.0
    submitted: dict[bool, int] = field(default_factory=lambda: {True: 0, False: 0})
    past_deadline_unsubmitted: int = 0


async def read_snapshot(conn: AsyncConnection, ctx: ServiceContext) -> Snapshot:
    now, today = ctx.now(), ctx.today()
    snap = Snapshot()
    stages = await conn.execute(
        select(CaseRow.stage, func.count())
        .where(CaseRow.stage != Stage.CLOSED.value)
        .group_by(CaseRow.stage)
    )
    snap.open_by_stage = {stage: n for stage, n in stages.all()}

    outstanding, overdue = (
        await conn.execute(
            select(func.count(), func.coalesce(func.sum(case((RequestRow.due < today, 1))), 0))
            .select_from(RequestRow)
            .join(CaseRow, CaseRow.ref == RequestRow.case_ref)
            .where(RequestRow.returned_on.is_(None), CaseRow.stage != Stage.CLOSED.value)
        )
    ).one()
    snap.requests_outstanding, snap.requests_overdue = int(outstanding), int(overdue)

    is_due = DueActionRow.due_at <= now
    outbox = await conn.execute(
        select(
            DueActionRow.kind,
            func.count(),
            func.coalesce(func.sum(case((is_due, 1))), 0),
            func.min(case((is_due, DueActionRow.due_at))),
        )
        .where(DueActionRow.done_at.is_(None))
        .group_by(DueActionRow.kind)
    )
    oldest: datetime | None = None
    for kind, pending, due, first_due in outbox.all():
        label = outbox_kind(kind)
        snap.outbox_pending[label] = snap.outbox_pending.get(label, 0) + pending
        snap.outbox_due[label] = snap.outbox_due.get(label, 0) + int(due)
        if first_due is not None and (oldest is None or first_due < oldest):
            oldest = first_due
    snap.oldest_due_age_seconds = max((now - oldest).total_seconds(), 0.0) if oldest else 0.0

    timeliness = await conn.execute(
        select(CaseRow.notified_on, CaseRow.submitted_on, func.count())
        .where(
            CaseRow.playbook == ctx.playbook.key,
            CaseRow.track == Track.RAPID_REVIEW.value,
            (CaseRow.submitted_on.is_not(None)) | (CaseRow.stage != Stage.CLOSED.value),
        )
        .group_by(CaseRow.notified_on, CaseRow.submitted_on)
    )
    deadlines = PanelDeadlines(ctx)
    for notified_on, submitted_on, n in timeliness.all():
        deadline = deadlines.of(notified_on)
        if submitted_on is not None:
            snap.submitted[submitted_on <= deadline] += n
        elif deadline < today:
            snap.past_deadline_unsubmitted += n
    return snap


class PanelDeadlines:
    """The Panel deadline of a case notified on a day, worked out once per day notified."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._calendar: WorkingCalendar = ctx.workdays
        self._day = ctx.playbook.panel_deadline
        self._counting = ctx.playbook.counting
        self._seen: dict[date, date] = {}

    def of(self, notified_on: date) -> date:
        if notified_on not in self._seen:
            self._seen[notified_on] = self._calendar.day_n(notified_on, self._day, self._counting)
        return self._seen[notified_on]


class SnapshotCollector(Collector):
    """The snapshot as Prometheus gauges, every known stage and kind present (0 when none)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def collect(self) -> Iterator[Metric]:
        snap = self.snap
        stages = GaugeMetricFamily(
            "rrbot_cases_open", "Cases not yet closed, by stage", labels=["stage"]
        )
        for stage in OPEN_STAGES:
            stages.add_metric([stage], snap.open_by_stage.get(stage, 0))
        yield stages
        yield GaugeMetricFamily(
            "rrbot_information_requests_outstanding",
            "Information requests of open cases not yet returned",
            value=snap.requests_outstanding,
        )
        yield GaugeMetricFamily(
            "rrbot_information_requests_overdue",
            "Information requests of open cases not returned by their due day",
            value=snap.requests_overdue,
        )
        yield _by_kind("rrbot_outbox_pending", "Outbox rows not yet done", snap.outbox_pending)
        yield _by_kind("rrbot_outbox_due", "Outbox rows due now and not yet done", snap.outbox_due)
        yield GaugeMetricFamily(
            "rrbot_outbox_oldest_due_age_seconds",
            "How long the oldest due outbox row has been waiting (0 when none is due)",
            value=snap.oldest_due_age_seconds,
        )
        submitted = GaugeMetricFamily(
            "rrbot_cases_submitted",
            "Rapid Reviews submitted to the Panel, by whether it was by the Panel deadline",
            labels=["on_time"],
        )
        for on_time in (True, False):
            submitted.add_metric([str(on_time).lower()], snap.submitted[on_time])
        yield submitted
        yield GaugeMetricFamily(
            "rrbot_cases_past_panel_deadline",
            "Open Rapid Reviews not yet submitted whose Panel deadline has passed",
            value=snap.past_deadline_unsubmitted,
        )


def _by_kind(name: str, documentation: str, counts: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["kind"])
    for kind in sorted(OUTBOX_KINDS | counts.keys()):
        family.add_metric([kind], counts.get(kind, 0))
    return family

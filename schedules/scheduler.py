"""The always-on scheduler: APScheduler only ticks; each tick runs what the outbox says is due.

Everything that must happen later is a row (`due_actions`), so the scheduler keeps no state
of its own: a restart after downtime simply finds the rows that came due meanwhile. On
PostgreSQL any number of replicas tick at once (claims skip rows another holds); on SQLite
one scheduler per database is enforced by a lease (`bot/adapters/db/scheduler_lease.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from bot.adapters.db.scheduler_lease import lease_for, this_process
from bot.domain.errors import DomainError
from bot.domain.outbox import Outcome
from bot.logging import get_logger
from bot.services.context import ServiceContext
from bot.services.facade import Services
from bot.services.routines import ensure_routines
from schedules.performers import PERFORMERS, Performer
from schedules.runner import Ran, release_claims, release_dead_claims, run_due

if TYPE_CHECKING:
    from bot.bootstrap import Container

log = get_logger(__name__)
DEFAULT_TICK_SECONDS = 30.0
MAX_BATCHES = 50  # a tick drains the backlog in batches, but stays bounded
WAKE_SETTLE_S = 0.05  # a wake-up waits this long for the next, so a burst is one tick
WAKE_MAX_WAIT_S = 0.5  # ... but never longer than this after the first


class Lease(Protocol):
    async def take(self, now: datetime) -> None:
        """Take or renew; raise a DomainError saying who holds it when another does."""
        ...

    async def release(self) -> None: ...


@dataclass(frozen=True, slots=True)
class TickReport:
    done: int = 0
    dropped: int = 0
    failed: int = 0
    deferred: int = 0

    @classmethod
    def of(cls, ran: Sequence[Ran]) -> TickReport:
        return cls(
            done=sum(r.outcome is Outcome.DONE for r in ran),
            dropped=sum(r.outcome is Outcome.DROPPED for r in ran),
            failed=sum(r.outcome is None and r.deferred_until is None for r in ran),
            deferred=sum(r.deferred_until is not None for r in ran),
        )

    def __add__(self, other: TickReport) -> TickReport:
        return TickReport(
            self.done + other.done,
            self.dropped + other.dropped,
            self.failed + other.failed,
            self.deferred + other.deferred,
        )

    @property
    def total(self) -> int:
        return self.done + self.dropped + self.failed + self.deferred


async def tick_once(
    services: Services,
    *,
    worker: str,
    lease: Lease | None = None,
    limit: int = 100,
    max_batches: int = MAX_BATCHES,
    performers: Mapping[str, Performer] = PERFORMERS,
    going_on: Callable[[], bool] = lambda: True,
) -> TickReport:
    """One tick: free the claims of workers known to be dead, then run due actions batch by
    batch until a batch comes back short, or `going_on()` turns False (a shutdown: nothing
    more is claimed or started). The lease (on SQLite) is renewed before every batch, so a
    long catch-up cannot outlive it."""
    report = TickReport()
    await release_dead_claims(services)
    for _ in range(max_batches):
        if not going_on():
            break
        if lease is not None:
            await lease.take(services.ctx.now())
        ran = await run_due(
            services, worker=worker, limit=limit, performers=performers, going_on=going_on
        )
        report += TickReport.of(ran)
        if len(ran) < limit:
            break
    return report


class Ticker:
    """`await ticker.start()` ticks every `interval_seconds` (first tick at once, to catch up
    after downtime) until `await ticker.aclose()`. One tick at a time: APScheduler's job only
    starts a tick, so it never overlaps itself (nor warns that it would); an interval or a
    wake-up that comes while a tick runs makes that tick go round once more."""

    def __init__(
        self,
        services: Services,
        *,
        interval_seconds: float = DEFAULT_TICK_SECONDS,
        worker: str | None = None,
        lease: Lease | None = None,
        limit: int = 100,
        performers: Mapping[str, Performer] = PERFORMERS,
    ) -> None:
        if interval_seconds <= 0:
            raise ValueError("the scheduler's tick interval must be a positive number of seconds")
        self._services = services
        self.interval_seconds = interval_seconds
        self.worker = worker or this_process()
        self._lease = lease
        self._limit = limit
        self._performers = performers
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._busy = asyncio.Lock()
        self._rung = False  # work was queued while a tick ran: tick again straight after
        self._ticking: set[asyncio.Task[None]] = set()  # a tick, or one about to queue
        self._first_ring: float | None = None
        self._wake_later: asyncio.TimerHandle | None = None
        self._stopping = False  # set by stop_claiming: nothing more is claimed or started
        self.ticks = 0
        self.totals = TickReport()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    async def start(self) -> None:
        """Take the lease (SQLite), refusing with the holder's name if another has it; then
        tick."""
        if self.running:
            raise RuntimeError("this scheduler is already running")
        if self._lease is not None:
            await self._lease.take(self._services.ctx.now())
        await ensure_routines(self._services.ctx)  # digests and mailbox reading recur
        self._scheduler.add_job(
            self._interval_came,
            IntervalTrigger(seconds=self.interval_seconds, timezone=UTC),
            id="outbox",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,  # late is fine: the outbox, not the tick, holds the work
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()
        self._services.ctx.doorbell.answer_with(self._answer)
        log.info("scheduler_started", worker=self.worker, every_seconds=self.interval_seconds)

    def wake(self) -> None:
        """Tick soon (work was just queued, e.g. a case to open), without waiting for the
        interval. Wake-ups a moment apart are one: the tick starts once the callers have
        gone quiet for WAKE_SETTLE_S (at most WAKE_MAX_WAIT_S after the first), so a burst
        of notifications is answered before the same process starts opening them. If a
        tick is running, another follows it at once."""
        self._rung = True
        loop = asyncio.get_running_loop()
        if self._first_ring is None:
            self._first_ring = loop.time()
        if self._wake_later is not None:
            self._wake_later.cancel()
        settled = min(loop.time() + WAKE_SETTLE_S, self._first_ring + WAKE_MAX_WAIT_S)
        self._wake_later = loop.call_at(settled, self._woken_up)

    def stop_claiming(self) -> None:
        """The first step of a shutdown (SIGTERM), safe to call from a signal handler: claim
        and start nothing more; the actions already started run on. The doorbell is unhooked
        so new work waits in the outbox for another replica."""
        self._stopping = True
        self._services.ctx.doorbell.answer_with(None)
        if self._wake_later is not None:
            self._wake_later.cancel()
        if self.running:
            self._scheduler.pause()

    def _going_on(self) -> bool:
        return not self._stopping

    def _woken_up(self) -> None:
        self._first_ring = self._wake_later = None
        if self.running and not self._stopping:
            self._start_tick()

    async def _interval_came(self) -> None:
        """APScheduler's job: returns at once (a coroutine, so it runs on this loop)."""
        self._start_tick()

    def _start_tick(self) -> None:
        if self._stopping:
            return
        if self._busy.locked():  # the tick running goes round again
            self._rung = True
            return
        task = asyncio.get_running_loop().create_task(self._tick())
        self._ticking.add(task)
        task.add_done_callback(self._ticking.discard)

    async def _answer(self, _ctx: ServiceContext, _case_ref: str | None) -> bool:
        self.wake()
        return False  # the caller is answered at once; this scheduler does the work

    async def aclose(self, *, grace_seconds: float = 10.0) -> None:
        """Stop claiming, give the actions in flight `grace_seconds` to finish, then hand
        back this worker's remaining claims and free the lease, so another replica takes
        over at once.

        An action cut short reruns there; whatever it had already sent is not sent again
        (sent-once records)."""
        if not self.running:
            return
        self.stop_claiming()
        try:
            async with asyncio.timeout(grace_seconds):
                await self._busy.acquire()
        except TimeoutError:
            log.warning("scheduler_tick_cut_short", worker=self.worker)
            self._scheduler.shutdown(wait=False)
            for task in list(self._ticking):  # the tick in flight
                task.cancel()
            await asyncio.gather(*self._ticking, return_exceptions=True)
        else:
            try:  # holding the lock, so a tick queued meanwhile is cancelled before it starts
                self._scheduler.shutdown(wait=False)
            finally:
                self._busy.release()
        await asyncio.sleep(0)  # APScheduler shuts down on the loop's next turn
        try:
            await release_claims(self._services, self.worker)
            if self._lease is not None:
                await self._lease.release()
        except Exception as err:  # the database is gone: the claims run out in a minute
            log.error("scheduler_release_failed", worker=self.worker, error=type(err).__name__)
        log.info("scheduler_stopped", worker=self.worker, ticks=self.ticks)

    async def _tick(self) -> None:
        if self._busy.locked():  # a wake-up while a tick runs: that tick goes round again
            self._rung = True
            return
        async with self._busy:
            while True:
                self._rung = False
                if not await self._tick_once():
                    return
                if not self._rung or self._stopping:
                    return

    async def _tick_once(self) -> bool:
        """One tick, reported; False when it could not run (the next one tries again)."""
        try:
            report = await tick_once(
                self._services,
                worker=self.worker,
                lease=self._lease,
                limit=self._limit,
                performers=self._performers,
                going_on=self._going_on,
            )
        except DomainError as err:  # e.g. the SQLite lease was taken over: skip this tick
            log.error("scheduler_tick_refused", worker=self.worker, reason=err.message)
            return False
        except Exception as err:  # the database is down, say: the next tick tries again
            log.error("scheduler_tick_failed", worker=self.worker, error=type(err).__name__)
            return False
        self.ticks += 1
        self.totals += report
        emit = log.info if report.total else log.debug
        emit(
            "scheduler_tick",
            worker=self.worker,
            done=report.done,
            dropped=report.dropped,
            failed=report.failed,
            deferred=report.deferred,
        )
        return True


def lease_ttl(interval_seconds: float) -> timedelta:
    """Long enough to survive a few slow ticks; a crashed holder on the same host is noticed
    at once anyway (its process is gone)."""
    return max(timedelta(seconds=3 * interval_seconds), timedelta(seconds=90))


def ticker_for(container: Container, *, interval_seconds: float = DEFAULT_TICK_SECONDS) -> Ticker:
    """The scheduler `rrbot serve` runs: leased on SQLite, free on PostgreSQL."""
    worker = this_process()
    lease = lease_for(
        container.engine, holder=worker, ttl=lease_ttl(interval_seconds), zone=container.ctx.zone
    )
    return Ticker(container.services, interval_seconds=interval_seconds, worker=worker, lease=lease)

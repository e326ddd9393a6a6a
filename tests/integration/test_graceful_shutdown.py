"""A stop (SIGTERM) takes no new work, lets what is in flight finish within the grace, and
hands back everything else at once, so another replica need not wait for a claim to run out.

The real process: SIGTERM ends `rrbot serve` with exit 0 and frees the SQLite lease, so the
next process starts on the database at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.adapters.clock import SimulatedClock
from bot.adapters.db.engine import make_engine
from bot.adapters.db.models import SchedulerLeaseRow
from bot.bootstrap import Container
from bot.domain.outbox import DueAction, Outcome
from bot.services.facade import Services
from bot.shutdown import Shutdown
from bot.surfaces import build_for_serving
from handlers.http import create_app
from schedules.performers import Performer
from schedules.scheduler import Ticker
from tests.integration.http.harness import Lifespan, settings_for
from tests.integration.serving_process import Server, slack_workspace
from tests.integration.sql_world import SqlWorld
from tests.support.world import local

MONDAY_NOON = local(date(2027, 1, 4), "12:00")


class Held:
    """A performer that holds each action until let go (or for ever), noting what finished."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.let_go = asyncio.Event()

    async def __call__(
        self, _services: Services, action: DueAction, _late_since: date | None
    ) -> tuple[Outcome, str]:
        self.started.append(action.key)
        await self.let_go.wait()
        self.finished.append(action.key)
        return Outcome.DONE, "done"


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SqlWorld]:
    world = SqlWorld(database_url, SimulatedClock(MONDAY_NOON))
    yield world
    await world.aclose()


async def plan(world: SqlWorld, *keys: str) -> None:
    async with world.ctx.uow() as uow:
        for key in keys:  # no case: one lane, run one after another in this order
            await uow.outbox.plan(DueAction(key=key, kind="held", due_at=world.clock.now()))
        await uow.commit()


async def pending(world: SqlWorld) -> dict[str, str | None]:
    """Each pending test action, and who holds its claim."""
    async with world.ctx.uow() as uow:
        return {a.key: a.leased_by for a in await uow.outbox.pending() if a.kind == "held"}


async def started(held: Held, count: int) -> None:
    for _ in range(500):
        if len(held.started) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the ticker did not start the action in 5 s")


def ticker(world: SqlWorld, held: Held) -> Ticker:
    return Ticker(
        world.services,
        interval_seconds=3600,  # only the first tick, at start
        worker="bot-a-101",
        performers={"held": Performer(held, to_people=False)},
    )


async def test_a_stop_finishes_the_action_in_flight_and_hands_back_the_rest(
    world: SqlWorld,
) -> None:
    held = Held()
    await plan(world, "first", "second", "third")
    running = ticker(world, held)
    await running.start()
    await started(held, 1)
    assert await pending(world) == dict.fromkeys(["first", "second", "third"], "bot-a-101")

    running.stop_claiming()  # SIGTERM
    closing = asyncio.create_task(running.aclose(grace_seconds=5))
    await asyncio.sleep(0.05)
    held.let_go.set()
    await closing

    assert held.finished == ["first"]  # in flight: finished, and marked done
    assert await pending(world) == {"second": None, "third": None}  # claimable at once


async def test_an_action_outliving_the_grace_is_abandoned_and_its_claim_handed_back(
    world: SqlWorld,
) -> None:
    held = Held()  # never let go: an outside call that hangs
    await plan(world, "hung")
    running = ticker(world, held)
    await running.start()
    await started(held, 1)

    await asyncio.wait_for(running.aclose(grace_seconds=0.2), timeout=5)

    assert held.finished == []
    assert await pending(world) == {"hung": None}  # it runs again on another replica


async def test_readyz_turns_unavailable_the_moment_the_shutdown_starts(
    database_url: str,
) -> None:
    shutdown = Shutdown(grace_seconds=20)

    async def factory() -> Container:
        return await build_for_serving(settings_for(database_url), out=None)

    async with Lifespan(create_app(factory, shutdown=shutdown)) as lifespan:
        transport = httpx.ASGITransport(app=lifespan.with_state())
        async with httpx.AsyncClient(transport=transport, base_url="http://rrbot.test") as client:
            assert (await client.get("/readyz")).status_code == 200
            shutdown.begin()
            ready = await client.get("/readyz")
            alive = await client.get("/healthz")
    assert (ready.status_code, ready.json()) == (
        503,
        {"status": "unavailable", "reason": "shutting down"},
    )
    assert alive.status_code == 200  # alive while it drains: no restart
    assert 19 < shutdown.remaining() <= 20


def test_the_grace_runs_from_the_first_signal_only() -> None:
    now = [100.0]
    shutdown = Shutdown(grace_seconds=20, clock=lambda: now[0])
    told: list[str] = []
    shutdown.on_start(lambda: told.append("stop claiming"))
    assert not shutdown.started and shutdown.remaining() == 20
    shutdown.begin()
    now[0] = 112.0
    shutdown.begin()  # a second SIGTERM
    assert shutdown.remaining() == 8 and told == ["stop claiming"]
    now[0] = 130.0
    assert shutdown.remaining() == 0


async def test_sigterm_ends_rrbot_serve_with_exit_0_and_frees_the_lease(
    database_url: str, tmp_path: Path
) -> None:
    with slack_workspace() as slack:
        server = Server(database_url, slack.base_url, tmp_path, env={"SHUTDOWN_GRACE_SECONDS": "5"})
        await asyncio.to_thread(server.start)
        try:
            status, took = await asyncio.to_thread(server.terminate, 10)
        finally:
            server.stop()
    assert status == 0, server.log()
    assert took < 5
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            leases = await connection.scalar(select(func.count()).select_from(SchedulerLeaseRow))
    finally:
        await engine.dispose()
    assert leases == 0  # the next `rrbot serve` starts at once, even on SQLite

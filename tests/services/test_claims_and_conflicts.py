"""A claim never strands work: a dead worker's claims are freed at once where that can be
known, and a case changed by another worker at the same moment is simply run again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import date, timedelta

from bot.adapters.db.errors import ConcurrentUpdate
from bot.domain.outbox import DueAction, Outcome
from bot.services.facade import Services
from schedules.performers import Performer
from schedules.runner import LEASE, claim, renew_claims, run_due
from schedules.scheduler import tick_once
from tests.support.world import World


def a_pid_that_is_gone() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def plan(world: World, *keys: str, kind: str = "note") -> None:
    async with world.ctx.uow() as uow:
        for key in keys:
            await uow.outbox.plan(
                DueAction(key=key, kind=kind, due_at=world.clock.now(), case_ref="LLR-RR-2026-001")
            )
        await uow.commit()


class Notes:
    def __init__(self, conflicts: int = 0) -> None:
        self.ran: list[str] = []
        self.conflicts = conflicts

    async def __call__(
        self, services: Services, action: DueAction, late_since: date | None
    ) -> tuple[Outcome, str]:
        if self.conflicts:
            self.conflicts -= 1
            raise ConcurrentUpdate("LLR-RR-2026-001 was changed by someone else; try again.")
        self.ran.append(action.key)
        return Outcome.DONE, "noted"


async def test_the_claims_of_a_process_that_died_on_this_host_are_run_at_once(
    world: World,
) -> None:
    notes = Notes()
    performers = {"note": Performer(notes, to_people=False)}
    await plan(world, "a", "b", "c")
    dead = f"{socket.gethostname()}-{a_pid_that_is_gone()}"
    await claim(world.services, worker=dead, performers=performers)  # ... and it was killed

    report = await tick_once(world.services, worker="restarted", performers=performers)

    assert report.done == 3 and sorted(notes.ran) == ["a", "b", "c"]  # no lease waited out


async def test_the_claims_of_a_live_process_are_left_to_it(world: World) -> None:
    notes = Notes()
    performers = {"note": Performer(notes, to_people=False)}
    await plan(world, "a")
    alive = f"{socket.gethostname()}-{os.getpid()}"
    await claim(world.services, worker=alive, performers=performers)

    assert (await tick_once(world.services, worker="other", performers=performers)).total == 0
    world.clock.set(world.clock.now() + LEASE)
    assert (await tick_once(world.services, worker="other", performers=performers)).done == 1


async def test_a_conflict_on_the_case_is_run_again_at_once_not_after_a_backoff(
    world: World,
) -> None:
    notes = Notes(conflicts=2)
    await plan(world, "chase")

    (ran,) = await run_due(
        world.services, worker="w", performers={"note": Performer(notes, to_people=False)}
    )

    assert ran.outcome is Outcome.DONE and notes.ran == ["chase"]
    assert world.store.actions["chase"].attempts == 1  # one claim, no failure recorded


async def test_a_conflict_that_persists_is_retried_later_like_any_failure(world: World) -> None:
    notes = Notes(conflicts=99)
    await plan(world, "chase")
    (ran,) = await run_due(
        world.services, worker="w", performers={"note": Performer(notes, to_people=False)}
    )
    assert ran.outcome is None
    row = world.store.actions["chase"]
    assert row.due_at == world.clock.now() + timedelta(minutes=1)
    assert row.last_error is not None and row.last_error.startswith("ConcurrentUpdate")


async def test_a_worker_still_at_work_keeps_its_claims_by_renewing_them(world: World) -> None:
    notes = Notes()
    performers = {"note": Performer(notes, to_people=False)}
    await plan(world, "slow")
    start = world.clock.now()
    ready, _ = await claim(world.services, worker="busy", performers=performers)
    world.clock.set(start + LEASE - timedelta(seconds=5))  # still working, near the end
    assert await renew_claims(world.services, "busy", [a.id for a in ready if a.id]) == 1

    world.clock.set(start + LEASE + timedelta(seconds=5))  # the first lease would be over
    assert (await tick_once(world.services, worker="other", performers=performers)).total == 0
    assert await renew_claims(world.services, "someone-else", [1]) == 0  # only its own

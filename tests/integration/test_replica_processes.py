"""Two `rrbot serve` OS processes on one PostgreSQL database, one killed and one stopped
mid-work: a third finishes, and every due action is done, none lost, no request doubled
beyond what the killed one had in flight.

Both replicas take half of a burst of notifications and tick against the fake Slack. While
the cases are being opened, replica A is killed with SIGKILL (no shutdown at all) and replica
B is sent SIGTERM: B must stop claiming, finish or hand back what it holds and exit 0 within
its grace. A third replica then starts on the same database and finishes the rest: each case
has one channel and every agency exactly one request, with a single exception the design
admits: a message that left Slack in the instant before the SIGKILL, its record not yet
committed (at most the handful A was sending side by side).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from schedules.runner import SIDE_BY_SIDE
from tests.fakes.slack_api import SlackApiFake
from tests.integration.serving_process import (
    Server,
    agency_names,
    burst,
    read_back,
    slack_workspace,
    until_opened,
)

pytestmark = pytest.mark.postgres_only

BURST = 30
GRACE_S = 8  # SHUTDOWN_GRACE_SECONDS of the replica stopped with SIGTERM
FINISH_WITHIN_S = 45.0


@pytest.fixture
def slack() -> Iterator[SlackApiFake]:
    with slack_workspace() as fake:
        yield fake


def replica(database_url: str, slack: SlackApiFake, workdir: Path) -> Server:
    workdir.mkdir()
    env = {"SHUTDOWN_GRACE_SECONDS": str(GRACE_S), "LOG_LEVEL": "INFO"}
    return Server(database_url, slack.base_url, workdir, env=env)


def case_channels(slack: SlackApiFake) -> list[str]:
    return [c.name for c in list(slack.channels.values()) if c.name.startswith("llr-rr")]


async def test_a_killed_and_a_stopped_replica_lose_nothing_and_double_nothing_stopped(
    database_url: str, slack: SlackApiFake, tmp_path: Path
) -> None:
    a, b, c = (replica(database_url, slack, tmp_path / name) for name in "abc")
    try:
        await asyncio.gather(asyncio.to_thread(a.start), asyncio.to_thread(b.start))
        answers = await asyncio.gather(
            burst(a.base, range(0, BURST, 2)), burst(b.base, range(1, BURST, 2))
        )
        assert all(status == 201 for half in answers for _n, _s, status in half), answers

        deadline = asyncio.get_running_loop().time() + 30
        while len(case_channels(slack)) < 4:  # both replicas are opening cases
            assert asyncio.get_running_loop().time() < deadline, "no case was being opened"
            await asyncio.sleep(0.01)
        await asyncio.to_thread(a.kill)
        status, took = await asyncio.to_thread(b.terminate, GRACE_S + 5)
        assert status == 0, b.log()
        assert took < GRACE_S + 2, took

        cut_short = await read_back(database_url, slack)
        assert cut_short.unfinished() or cut_short.missing_requests(agency_names()), (
            "everything was done before the replicas stopped: the test proved nothing"
        )

        await asyncio.to_thread(c.start)
        state, _took = await until_opened(database_url, slack, BURST, FINISH_WITHIN_S)
    finally:
        for server in (a, b, c):
            server.stop()

    assert len(state.cases) == BURST
    assert state.unfinished() == [], c.log()
    assert state.missing_requests(agency_names()) == [], c.log()
    channels = case_channels(slack)
    assert len(channels) == len(set(channels)) == BURST
    doubled = {key: n for key, n in state.requests.items() if n > 1}
    assert len(doubled) <= SIDE_BY_SIDE and all(n == 2 for n in doubled.values()), doubled
    # The stopped replica handed back what it had claimed but not started, at once.
    assert "scheduler_stopped" in b.log()

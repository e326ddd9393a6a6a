"""Nothing lost, nothing doubled, when `rrbot serve` is killed with SIGKILL mid-burst.

A burst of notifications goes to a real `rrbot serve` (SQLite, or PostgreSQL with
TEST_DATABASE_URL) talking to the fake Slack; the process is killed while cases are being
opened, then started again on the same database. Every case it answered 201 for must end with
its channel and every agency's request, without anyone being sent the same request twice;
a notification left unanswered by the kill is sent again, and opens one case, not two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.slack_api import SlackApiFake
from tests.integration.serving_process import (
    agency_names,
    burst,
    read_back,
    serving,
    slack_workspace,
    until_opened,
)

BURST = 40
RESTART_WITHIN_S = 60.0  # every case finished within a minute of the restart


@pytest.fixture
def slack() -> Iterator[SlackApiFake]:
    with slack_workspace() as fake:
        yield fake


async def test_a_burst_killed_part_way_leaves_no_case_stranded_or_doubled(
    database_url: str, slack: SlackApiFake, tmp_path: Path
) -> None:
    with serving(database_url, slack, tmp_path) as server:
        sending = asyncio.create_task(burst(server.base, range(BURST)))
        # Kill it while cases are being opened: once a few channels exist in Slack (the
        # burst itself may or may not have been answered in full by then).
        deadline = asyncio.get_running_loop().time() + 60
        while len([c for c in slack.channels.values() if c.name.startswith("llr-rr")]) < 3:
            assert asyncio.get_running_loop().time() < deadline, "no channel was opened"
            await asyncio.sleep(0.01)
        await asyncio.to_thread(server.kill)
        answers = await sending
        accepted = {n for n, _s, status in answers if status in (200, 201)}
        unanswered = [n for n, _s, status in answers if status == 0]
        assert accepted, "nothing was accepted before the kill"

        cut_short = await read_back(database_url, slack)
        assert cut_short.unfinished() or cut_short.missing_requests(agency_names())

        await asyncio.to_thread(server.start)
        # What the kill left unanswered is sent again, as a notifier would.
        again = await burst(server.base, range(BURST)) if unanswered else []
        assert all(status in (200, 201) for _n, _s, status in again), again

        state, took = await until_opened(database_url, slack, BURST, RESTART_WITHIN_S)

    assert len(state.cases) == BURST  # one case per notification, repeats included
    assert state.unfinished() == [], server.log()
    assert state.missing_requests(agency_names()) == [], server.log()
    doubled = {key: n for key, n in state.requests.items() if n > 1}
    # The one window left: a request that left Slack in the instant before the kill, its
    # record not yet committed. At most the messages in flight at that moment.
    assert len(doubled) <= 8, doubled
    channels = [c.name for c in slack.channels.values() if c.name.startswith("llr-rr")]
    assert len(channels) == len(set(channels)) == BURST
    assert took < RESTART_WITHIN_S

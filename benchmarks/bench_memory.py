"""Resident memory of a real `rrbot serve`: idle, and after 1,000 cases opened through
POST /notifications against the fake Slack (target: under 150 MB). The figures size the
Kubernetes requests and limits (deploy/k8s/deployment.yaml).

RSS is read from /proc (Linux): VmRSS now, and VmHWM, the most it ever held.
SQLite by default, PostgreSQL with TEST_DATABASE_URL (the benchmark empties that database).
Run: `pytest benchmarks/bench_memory.py -s` (figures are printed; the target is asserted).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.fakes.slack_api import SlackApiFake
from tests.integration.serving_process import Server, burst, until_opened
from tests.support.audit import TEST_AUDIT_KEY_TEXT

CASES = 1000
WAVE = 100  # notifications sent at once, as a busy morning might
TARGET_MB = 150.0
OPEN_WITHIN_S = 600.0


def resident_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of `pid`, in MB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            figures[name] = int(value.split()[0]) / 1024  # kB
    return figures


async def test_resident_memory_idle_and_after_a_thousand_cases(
    database_url: str, slack: SlackApiFake, tmp_path: Path
) -> None:
    server = Server(database_url, slack.base_url, tmp_path, env={"AUDIT_KEY": TEST_AUDIT_KEY_TEXT})
    await asyncio.to_thread(server.start)
    try:
        assert server.process is not None
        pid = server.process.pid
        await asyncio.sleep(3)  # the first tick and the routines settle
        idle = resident_mb(pid)
        started = time.monotonic()
        for first in range(0, CASES, WAVE):
            answers = await burst(server.base, range(first, first + WAVE))
            assert all(status == 201 for _n, _s, status in answers)
        state, _ = await until_opened(database_url, slack, CASES, OPEN_WITHIN_S)
        took = time.monotonic() - started
        assert len(state.cases) == CASES and not state.unfinished()
        await asyncio.sleep(2)
        loaded = resident_mb(pid)
    finally:
        server.stop()
    backend = database_url.split(":", 1)[0]
    print(
        f"\nrrbot serve on {backend}: idle RSS {idle['VmRSS']:.1f} MB;"
        f" after {CASES} cases opened ({took:.0f} s) RSS {loaded['VmRSS']:.1f} MB,"
        f" peak {loaded['VmHWM']:.1f} MB (target < {TARGET_MB:.0f} MB)"
    )
    assert loaded["VmHWM"] < TARGET_MB

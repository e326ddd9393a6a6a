"""Slot search through Outlook: 25 invitees, 7 working days, their diaries read from the Graph
fake by GraphCalendar on the real msgraph-sdk, then ranked by the slot finder.

Targets: exactly 2 getSchedule calls (20 + 5 people), and under 100 ms of the bot's own time
outside the network: CPU time of the thread running the event loop (kiota's serialising and
parsing, the busy conversion, the slot finder). The fake runs in other threads and the wait
for the network costs no CPU, so neither counts. Run with `pytest benchmarks/bench_graph_slots.py
--benchmark-enable -s` to see the figures.
"""

from __future__ import annotations

import asyncio
import random
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.bench_slots import fictional_directory
from bot.adapters.graph.factory import graph_ports
from bot.config import Settings
from bot.domain.playbook import WorkingHours
from bot.domain.quorum import Roster
from bot.domain.quorum_rule import QuorumRule
from bot.domain.slots import SlotProposal, SlotSearch, find_slots
from tests.fakes.graph_api import MAILBOX, GraphApiFake
from tests.integration.graph.serving import serve
from tests.integration.graph.support import StaticCredential

pytestmark = pytest.mark.filterwarnings("ignore:This class is deprecated:DeprecationWarning")

LONDON = ZoneInfo("Europe/London")
# Working days 7-13 of a fictional case; the weekend of 14-15 Nov 2026 is skipped.
WINDOW = [(7 + i, date(2026, 11, d)) for i, d in enumerate((9, 10, 11, 12, 13, 16, 17))]
SEARCH = SlotSearch(WINDOW, WorkingHours(), timedelta(minutes=90), timedelta(minutes=15))
RULE = QuorumRule(description="LLR", min_partner_agencies=3, min_safeguarding_partners=2)
OTHERS = ("gp", "school", "hospital", "probation", "housing", "ambulance", "mh", "ed")
OTHERS += ("youth", "early-years", "camhs", "fire", "dwp")
CPU_BUDGET_MS = 100


DIRECTORY = fictional_directory(OTHERS)  # 25 invitable people
INVITEES = [p.email for p in DIRECTORY.people if p.email != "officer@partnership.example.org"]
ROSTER = Roster.build(DIRECTORY, INVITEES)
START = datetime.combine(WINDOW[0][1], clock(9), tzinfo=LONDON)
END = datetime.combine(WINDOW[-1][1], clock(17), tzinfo=LONDON)


def load_diaries(fake: GraphApiFake, seed: int = 2026) -> None:
    """Four to eight entries a day for everyone, mostly busy, from 08:00."""
    rng = random.Random(seed)
    statuses = ("busy",) * 6 + ("tentative", "oof", "workingElsewhere", "free")
    for email in INVITEES:
        diary = []
        for _, day in WINDOW:
            for _ in range(rng.randint(4, 8)):
                start = datetime.combine(day, clock(8), tzinfo=LONDON) + timedelta(
                    minutes=15 * rng.randrange(0, 38)
                )
                end = start + timedelta(minutes=rng.choice((30, 30, 45, 60, 60, 90, 120)))
                diary.append((start.astimezone(UTC), end.astimezone(UTC), rng.choice(statuses)))
        fake.add_person(email, diary)


@dataclass
class Round:
    proposal: SlotProposal
    cpu_ms: float
    schedule_calls: int


@pytest.fixture(scope="module")
def fake() -> Iterator[GraphApiFake]:
    with serve(GraphApiFake()) as served:
        load_diaries(served)
        yield served


def search_once(fake: GraphApiFake) -> Round:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, graph_mailbox=MAILBOX, graph_base_url=fake.base_url
    )

    async def run() -> Round:
        calendar, _ = graph_ports(settings, credential=StaticCredential())
        before = len(fake.calls_to("/calendar/getSchedule"))
        try:
            cpu = time.thread_time()
            busy = await calendar.free_busy(people=INVITEES, start=START, end=END)
            proposal = find_slots(SEARCH, RULE, ROSTER, busy)
            cpu_ms = (time.thread_time() - cpu) * 1000
        finally:
            await calendar.connection.aclose()
        calls = len(fake.calls_to("/calendar/getSchedule")) - before
        return Round(proposal, cpu_ms, calls)

    return asyncio.run(run())


def test_slot_search_for_25_through_graph(fake: GraphApiFake, benchmark: BenchmarkFixture) -> None:
    with warnings.catch_warnings():  # msgraph's import-time noise, and its first-use imports
        warnings.simplefilter("ignore", DeprecationWarning)
        search_once(fake)
    rounds: list[Round] = []

    def measured() -> SlotProposal:
        rounds.append(search_once(fake))
        return rounds[-1].proposal

    proposal = benchmark.pedantic(measured, rounds=10, iterations=1)

    assert len(proposal.slots) == 10
    assert all(len(s.free) + len(s.busy) == 25 for s in proposal.slots)
    assert {r.schedule_calls for r in rounds} == {2}
    cpu = sorted(r.cpu_ms for r in rounds)
    median = cpu[len(cpu) // 2]
    benchmark.extra_info |= {"getSchedule_calls": 2, "cpu_ms_median": round(median, 1)}
    print(
        f"\ngetSchedule calls: 2; bot CPU outside the network: median {median:.1f} ms,"
        f" max {cpu[-1]:.1f} ms over {len(cpu)} rounds"
    )
    assert median < CPU_BUDGET_MS

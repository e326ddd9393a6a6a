"""The meeting papers for a big case: a Combined Summary for 12 agencies with 200 chronology
entries each (2,400 rows merged into one table), target < 1 s on the 2-core CI machine; peak
memory measured with tracemalloc.

Run: `pytest benchmarks/bench_papers.py --benchmark-enable` (figures are printed).
"""

from __future__ import annotations

import resource
import time
import tracemalloc

from pytest_benchmark.fixture import BenchmarkFixture

from bot.documents import combined_summary, panel_submission
from tests.support.documents_samples import MADE_ON, big_returns, decision, facts

TARGET_S = 1.0


def test_the_papers_for_12_agencies_of_200_entries(benchmark: BenchmarkFixture) -> None:
    returns = big_returns(agencies=12, entries=200)
    case = facts(tuple(r.agency for r in returns))

    def build() -> bytes:
        return combined_summary(case, returns, version=1, made_on=MADE_ON, decision=decision())

    build()  # python-docx's template and lxml's first parse are not the papers' cost
    tracemalloc.start()
    started = time.perf_counter()
    content = build()
    first = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    benchmark.pedantic(build, rounds=3, iterations=1)
    per_round = (time.perf_counter() - started) / 3
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    panel_started = time.perf_counter()
    panel_submission(case, returns, decision(), made_on=MADE_ON)
    panel = time.perf_counter() - panel_started
    print(
        f"\ncombined summary, 12 agencies x 200 entries: {per_round:.2f} s"
        f" ({first:.2f} s under tracemalloc), peak {peak / 1e6:.0f} MB of Python allocations"
        f" (libxml2's own are not traced; process max RSS {rss:.0f} MB),"
        f" {len(content) / 1e3:.0f} kB; panel submission {panel:.2f} s"
    )
    assert per_round < TARGET_S

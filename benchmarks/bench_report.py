"""The board's timeliness page for 200 cases (about four years of a partnership's Rapid
Reviews): rendering its three charts and tables, target < 5 s on the 2-core CI machine.

Run: `pytest benchmarks/bench_report.py --benchmark-enable` (figures are printed).
"""

from __future__ import annotations

import time

from pytest_benchmark.fixture import BenchmarkFixture

from bot.timeliness_page import timeliness_page
from tests.support.timeliness_rows import AGENCY_NAMES, AS_OF, made_up_rows

TARGET_S = 5.0


def test_the_page_for_200_cases(benchmark: BenchmarkFixture) -> None:
    rows = made_up_rows(200)

    def render() -> str:
        return timeliness_page(
            rows,
            as_of=AS_OF,
            partnership="Leicester, Leicestershire and Rutland",
            panel_day=15,
            agency_name=AGENCY_NAMES.__getitem__,
        )

    render()  # matplotlib's first import and font cache are not the report's cost
    started = time.perf_counter()
    page = benchmark.pedantic(render, rounds=3, iterations=1)
    per_round = (time.perf_counter() - started) / 3
    print(f"\ntimeliness page, 200 cases: {per_round:.2f} s a page, {len(page) / 1e3:.0f} kB")
    assert per_round < TARGET_S

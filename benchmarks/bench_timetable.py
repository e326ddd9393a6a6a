"""Timetable speed: 10,000 notification dates with `llr` (target < 1 s in total)."""

from __future__ import annotations

import time
from datetime import date, timedelta

from pytest_benchmark.fixture import BenchmarkFixture

from bot import playbooks
from bot.calendars import england_and_wales
from bot.domain.timetable import Timetable, build_timetable

DATES = [date(2026, 1, 1) + timedelta(days=i) for i in range(10_000)]  # to 18 May 2053


def build_all() -> list[Timetable]:
    """A fresh calendar each round: its working-day tables are built, not reused."""
    playbook, calendar = playbooks.load("llr"), england_and_wales()
    return [build_timetable(playbook, calendar, notified) for notified in DATES]


def test_ten_thousand_llr_timetables(benchmark: BenchmarkFixture) -> None:
    started = time.perf_counter()
    tables = benchmark.pedantic(build_all, rounds=5, iterations=1, warmup_rounds=1)
    # With --benchmark-disable the function runs once and there are no stats: time that run.
    stats = benchmark.stats
    seconds = stats.stats.mean if stats is not None else time.perf_counter() - started
    assert seconds < 1.0, f"10,000 timetables took {seconds:.2f} s"
    assert len(tables) == 10_000
    assert tables[351].notified == date(2026, 12, 18)
    assert tables[351].panel_deadline == date(2027, 1, 13)
    assert all(t.panel_deadline > t.notified for t in tables)

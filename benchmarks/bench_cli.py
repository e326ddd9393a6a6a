"""Whole-command speed: `rrbot --help` cold start (target < 0.5 s) and `rrbot demo` (< 10 s)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture


def rrbot() -> list[str]:
    found = shutil.which("rrbot", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "bot.cli"]


def test_cold_start_of_help(benchmark: BenchmarkFixture) -> None:
    def run() -> None:
        subprocess.run([*rrbot(), "--help"], check=True, capture_output=True)

    benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)


def test_help_does_not_import_the_heavy_libraries() -> None:
    probe = (
        "import sys, bot.cli; heavy = [m for m in ('sqlalchemy', 'slack_bolt', 'msgraph',"
        " 'holidays', 'alembic', 'pydantic', 'matplotlib') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_demo(benchmark: BenchmarkFixture) -> None:
    def run() -> None:
        subprocess.run([*rrbot(), "demo"], check=True, capture_output=True)

    benchmark.pedantic(run, rounds=1, iterations=1)

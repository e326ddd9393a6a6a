"""Sensitivity guard speed: a channel topic checked against one case (target < 1 ms), a SQL
parameter line with escaped non-ASCII names redacted against 100 open cases, the names
pattern of 100 cases built, and one whole log line written with 100 open cases (< 1 ms).
Run with `pytest benchmarks --benchmark-enable -k sensitiv`. All names are fictional."""

from __future__ import annotations

import io
import logging
from datetime import date

import structlog
from pytest_benchmark.fixture import BenchmarkFixture

from bot.domain.sensitivity import CaseSubject, SensitivityGuard, names_pattern
from bot.logging import REGISTRY, configure_logging, get_logger, register_case_subject

SUBJECT = CaseSubject(("Jamie Fictitious", "Testperson", "Zoë Brontë"), (date(2015, 3, 3),))
TOPIC = (
    "LLR-RR-2026-014 · Rapid Review · next: meeting Wed 13 Jan 2027 09:00, Panel deadline"
    " 2027-01-13 (day 15). Returns: police, health, school, LA. Chair: Pat Example."
)
NAMES = tuple(f"Child{n} Fämily{n}x" for n in range(100))
SQL_LINE = (
    "[generated in 0.00132s] ('LLR-RR-2026-001', 'llr', 'LLR', 'rapid_review', 'notified',"
    " '2026-12-18', '2026-12-18 10:00:00.000000', 'LA-1', '', '[\"la\", \"police\"]',"
    ' \'["bo.adeyemi@partnership.example.org", "casey.hart@partnership.example.org"]\','
    ' \'["Child7 F\\\\u00e4mily7x", "\\\\u0141ucja \\\\u017b\\\\u00f3\\\\u0142\\\\u0107"]\','
    " '[\"2015-03-03\"]', None, None, None, None, '', 0)"
)


def test_checking_a_topic(benchmark: BenchmarkFixture) -> None:
    guard = SensitivityGuard(SUBJECT)
    assert benchmark(guard.check, TOPIC, "channel topic") == TOPIC


def test_redacting_a_sql_parameter_line_against_100_cases(benchmark: BenchmarkFixture) -> None:
    guard = SensitivityGuard(CaseSubject(NAMES, (date(2015, 3, 3),)))
    redacted = benchmark(guard.redact, SQL_LINE)
    assert "Child7" not in redacted


def test_building_the_names_pattern_of_100_cases(benchmark: BenchmarkFixture) -> None:
    def build() -> object:
        names_pattern.cache_clear()
        return names_pattern(NAMES)

    assert benchmark(build) is not None


def test_a_log_line_with_100_open_cases(benchmark: BenchmarkFixture) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    configure_logging("INFO", json=True, stream=stream)
    for n, names in enumerate(NAMES):
        register_case_subject(f"LLR-RR-2026-{n:03d}", CaseSubject((names,)))
    log = get_logger("bot.bench")
    try:
        benchmark(log.info, "chase_sent", case_ref="LLR-RR-2026-007", agency="police", day=3)
    finally:
        REGISTRY.clear()
        root.handlers[:], root.level = handlers, level
        structlog.configure(**config)
    assert "chase_sent" in stream.getvalue()

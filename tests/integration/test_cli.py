"""The command line: correct dates, clear refusals, non-zero exits, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_timetable_gives_the_llr_example(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["timetable", "--playbook", "llr", "--notified", "2026-12-18", "--json"]
    )
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)
    assert table["meeting_window"] == {"earliest": "2026-12-31", "latest": "2027-01-11"}
    assert table["panel_deadline"] == "2027-01-13"
    assert {"key", "title", "due"} <= set(table["milestones"][0])


def test_timetable_reads_as_a_table_by_default(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["timetable", "--notified", "2026-12-18"])
    assert result.exit_code == 0
    assert "Panel deadline: Wed 13 Jan 2027" in result.output


def test_an_impossible_date_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["timetable", "--notified", "2026-02-30"])
    assert result.exit_code == 2
    assert "'2026-02-30' is not a real date (day is out of range for month)" in result.output


def test_an_unknown_playbook_lists_the_valid_ones(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["timetable", "--playbook", "kant", "--notified", "2026-12-18"])
    assert result.exit_code == 1
    assert "Unknown playbook 'kant'" in result.output
    assert "bnes, kent-2019, kent-2024, leeds, llr" in result.output


def test_an_unreachable_database_is_named_without_its_password(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://rr:s3cret@127.0.0.1:1/rr")
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "127.0.0.1:1" in result.output and "s3cret" not in result.output


def test_db_upgrade_then_audit_verify_on_a_fresh_sqlite_file(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'rr.db'}")
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_playbook_list_shows_all_five(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["playbook", "list"])
    assert [line.split()[0] for line in result.output.splitlines()] == [
        "bnes",
        "kent-2019",
        "kent-2024",
        "leeds",
        "llr",
    ]


def test_report_timeliness_after_a_demo_case(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rr.db'}"
    assert runner.invoke(cli, ["demo", "--database", url]).exit_code == 0
    monkeypatch.setenv("DATABASE_URL", url)
    table = runner.invoke(cli, ["report", "timeliness"])
    assert table.exit_code == 0, table.output
    assert "LLR-RR-2026-001: notified Fri 18 Dec; decision on day 12; Panel on day 13" in (
        table.output
    )
    assert "Riverside GP Practice        1 working day late" in table.output
    rows = runner.invoke(cli, ["report", "timeliness", "--csv"]).output.splitlines()
    assert rows[0].startswith("case,notified,panel_deadline")
    assert "LLR-RR-2026-001,2026-12-18,2027-01-13,12,13,True,gp,2027-01-06,2027-01-07,1" in rows
    verified = runner.invoke(cli, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_help_loads_no_teams_module() -> None:
    """Teams is imported by `rrbot serve` only when it is configured: the help, the console
    and a Slack deployment never pay for the Teams SDK (nor its `.env` loading)."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from bot.cli import main\n"
        "sys.argv = ['rrbot', '--help']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "teams = ('microsoft_teams', 'handlers.teams', 'bot.adapters.teams', 'dotenv')\n"
        "print(sorted(m for m in sys.modules if m.startswith(teams)), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert "Usage: " in out.stdout
    assert out.stderr.strip() == "[]"

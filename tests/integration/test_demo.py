"""`rrbot demo` tells the whole story, under every playbook, and exits 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from bot.cli import cli


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("papers")


@pytest.fixture(scope="module")
def llr_demo(papers: Path) -> str:
    result = CliRunner().invoke(cli, ["demo", "--papers", str(papers)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    "moment",
    [
        "private channel opened",  # the case opens
        "Information requests sent to 7 agencies",  # requests go out
        "returned a nil return (no involvement)",  # one nil return
        "Reminder: the Riverside GP Practice return",  # the late one is reminded,
        "Escalation to the chair: Riverside GP Practice",  # chased, then escalated
        "now 1 working day late",
        "Rapid Review meeting booked for",  # the best quorate slot is booked
        "declined the LLR-RR-2026-001 meeting",  # a decision maker declines
        "invited as deputy for",  # and the deputy is invited
        "the meeting was quorate",  # the meeting is held
        "Decision recorded for LLR-RR-2026-001",
        "submitted to the National Panel",
        # The papers go on the papers day; the GP's reply after them makes a version 2.
        "Meeting papers for LLR-RR-2026-001, version 1: the Combined Summary",
        "LLR-RR-2026-001_combined-summary_v1.docx",
        "Changed: Riverside GP Practice's return received, 1 working day late. Version 1 is"
        " superseded.",
        "subject: Rapid Review decision: LLR-RR-2026-001",  # the Panel gets the Word documents
        "[attached: LLR-RR-2026-001_panel-submission.docx",
        "[attached: LLR-RR-2026-001_covering-letter.docx",
        "subject: Rapid Review outcome: LLR-RR-2026-001",  # the GP is told by email
        "within the deadline",  # the timeliness summary
        "The case's Word documents (fictional) are in",
    ],
)
def test_the_demo_shows(llr_demo: str, moment: str) -> None:
    assert moment in llr_demo


def test_the_demo_leaves_the_word_documents_where_it_says(llr_demo: str, papers: Path) -> None:
    folder = papers / "llr-rr-2026-001"
    assert str(folder) in llr_demo
    assert sorted(p.name for p in folder.iterdir()) == [
        "LLR-RR-2026-001_combined-summary_v1.docx",
        "LLR-RR-2026-001_combined-summary_v2.docx",
        "LLR-RR-2026-001_covering-letter.docx",
        "LLR-RR-2026-001_panel-submission.docx",
    ]
    version_2 = Document(str(folder / "LLR-RR-2026-001_combined-summary_v2.docx"))
    assert "Jamie Fictitious" in "\n".join(  # the papers: the one place the child is named
        c.text for t in version_2.tables for r in t.rows for c in r.cells
    )


def test_the_demo_never_shows_the_childs_name(llr_demo: str) -> None:
    assert "Jamie" not in llr_demo and "Testperson" not in llr_demo


def test_christmas_is_skipped(llr_demo: str) -> None:
    assert "Fri 25 Dec (bank holiday)" in llr_demo


@pytest.mark.parametrize(
    ("playbook", "notified"),
    [
        ("kent-2019", "2027-03-24"),
        ("kent-2024", "2027-03-24"),
        ("bnes", "2026-05-01"),
        ("leeds", "2026-08-27"),
    ],
)
def test_every_playbook_runs_the_demo_to_a_timely_submission(
    playbook: str, notified: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli, ["demo", "--playbook", playbook, "--notified", notified, "--papers", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "within the deadline" in result.output


async def test_the_whole_case_persists_on_the_real_database(database_url: str) -> None:
    """The demo's aggregate round-trips through every table (PostgreSQL with TEST_DATABASE_URL)."""
    from datetime import date

    from bot.demo.run import run_demo

    lines: list[str] = []
    result = await run_demo(
        playbook="llr", notified=date(2026, 12, 18), database_url=database_url, out=lines.append
    )
    assert result.case_ref == "LLR-RR-2026-001"
    assert result.submitted_on is not None and result.submitted_on <= result.panel_deadline
    assert any("Escalation to the chair" in line for line in lines)


def test_not_even_debug_logs_carry_the_childs_name() -> None:
    result = CliRunner().invoke(cli, ["--log-level", "DEBUG", "demo"])
    assert result.exit_code == 0
    assert "case_opened" in result.output  # the log went to the captured stream
    assert "Jamie" not in result.output and "Testperson" not in result.output

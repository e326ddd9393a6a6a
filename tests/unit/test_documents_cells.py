"""How a SPOC may write a date or a yes/no in the reply template, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from bot.documents import TemplateUnreadable
from bot.documents.cells import bounded, read_day, read_involvement, read_yes_no
from bot.domain.returns import Involvement


@pytest.mark.parametrize(
    "written",
    [
        "2026-11-03",
        "03/11/2026",
        "3/11/2026",
        "3 November 2026",
        "3 Nov 2026",
        " 3  November\n2026 ",
    ],
)
def test_a_date_may_be_written_the_ways_people_write_it(written: str) -> None:
    assert read_day(written, "Row 1 of the chronology") == date(2026, 11, 3)


@pytest.mark.parametrize(
    "written", ["31/02/2026", "11/03/26", "next Tuesday", "1899-12-31", "3rd Nov 2026"]
)
def test_anything_else_is_not_a_date(written: str) -> None:
    with pytest.raises(TemplateUnreadable, match=r"^Row 1 of the chronology: '.*' is not a date"):
        read_day(written, "Row 1 of the chronology")


def test_an_empty_date_is_no_date() -> None:
    assert read_day("", "Row 1") is None


def test_a_long_cell_is_cut_before_it_is_quoted_back() -> None:
    with pytest.raises(TemplateUnreadable) as refused:
        read_day("x" * 5000, "Row 1")
    assert len(refused.value.message) < 200


@pytest.mark.parametrize(
    ("written", "meant"), [("Yes", True), ("y", True), ("No.", False), ("", None)]
)
def test_yes_or_no(written: str, meant: bool | None) -> None:
    assert read_yes_no(written, "Records secured") is meant


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Full", Involvement.FULL),
        ("limited / factual", Involvement.LIMITED),
        ("None", Involvement.NONE),
    ],
)
def test_involvement_is_read_from_its_first_word(written: str, meant: Involvement) -> None:
    assert read_involvement(written) is meant


def test_a_cell_over_its_limit_is_refused_with_both_numbers() -> None:
    assert bounded("x" * 10, 10, "'Your analysis'") == "x" * 10
    with pytest.raises(
        TemplateUnreadable, match="'Your analysis' has 11 characters; it can hold at most 10"
    ):
        bounded("x" * 11, 10, "'Your analysis'")

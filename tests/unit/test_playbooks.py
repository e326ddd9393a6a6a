"""The five shipped playbooks date every milestone as their seed documents say, and a bad
playbook file is refused with the file, line, field and reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot import playbooks
from bot.calendars import england_and_wales
from bot.domain.directory import Partner
from bot.domain.quorum_rule import RequiredSeat
from bot.domain.timetable import build_timetable
from bot.domain.workdays import Counting
from bot.yamlfile import FileInvalid

D = date.fromisoformat
EW = england_and_wales()
SHIPPED = ["bnes", "kent-2019", "kent-2024", "leeds", "llr"]
LLR = (Path(playbooks.__file__).parent / "llr.yaml").read_text()


def test_the_five_playbooks_ship_and_load() -> None:
    assert playbooks.available() == SHIPPED
    loaded = [playbooks.load(key) for key in SHIPPED]
    assert [p.key for p in loaded] == SHIPPED
    assert len({p.code for p in loaded}) == 5  # case references never collide
    assert all(p.panel_deadline == 15 for p in loaded)  # the national limit
    assert playbooks.load("llr") is playbooks.load("llr")  # cached


@pytest.mark.parametrize(
    ("key", "counting"),
    [
        ("llr", Counting.DAY0),
        ("bnes", Counting.DAY0),
        ("leeds", Counting.DAY0),
        ("kent-2019", Counting.DAY1),
        ("kent-2024", Counting.DAY1),
    ],
)
def test_each_playbook_names_its_counting_convention(key: str, counting: Counting) -> None:
    assert playbooks.load(key).counting is counting


# --- dated milestones, seed by seed ---------------------------------------------------------

# (playbook, notified) -> every milestone's due date, the meeting window, the Panel deadline.
TIMETABLES: dict[tuple[str, str], tuple[dict[str, str], tuple[str, str], str]] = {
    # Seed 001 §4.9, the example: Friday before Christmas 2026 (25, 28 Dec and 1 Jan
    # closed). Day 0 is the Friday.
    ("llr", "2026-12-18"): (
        {
            "requests_sent": "2026-12-22",  # day 2
            "returns_due": "2027-01-06",  # day 10
            "summary_circulated": "2027-01-06",
            "meeting": "2027-01-11",  # day 13, the latest
            "ratification": "2027-01-13",  # 2 working days after the meeting
            "panel_deadline": "2027-01-13",  # day 15
        },
        ("2026-12-31", "2027-01-11"),  # days 7-13
        "2027-01-13",
    ),
    # Day 0 on a Saturday is still the Saturday; Easter 2027 (26 and 29 Mar) is skipped.
    ("llr", "2027-03-20"): (
        {
            "requests_sent": "2027-03-23",
            "returns_due": "2027-04-06",
            "summary_circulated": "2027-04-06",
            "meeting": "2027-04-09",
            "ratification": "2027-04-13",
            "panel_deadline": "2027-04-13",
        },
        ("2027-04-01", "2027-04-09"),
        "2027-04-13",
    ),
    # Seed 000 App. B across Easter 2027: notified Wednesday 17 Mar is day 1.
    ("kent-2019", "2027-03-17"): (
        {
            "requests_sent": "2027-03-17",  # day 1
            "summaries_returned": "2027-04-01",  # day 10
            "summaries_collated": "2027-04-02",  # day 11
            "papers_sent": "2027-04-05",  # day 12
            "meeting": "2027-04-07",  # day 14
            "panel_deadline": "2027-04-08",  # day 15
        },
        ("2027-04-07", "2027-04-07"),
        "2027-04-08",
    ),
    # Notified on a Saturday: Monday 22 Mar is day 1.
    ("kent-2019", "2027-03-20"): (
        {
            "requests_sent": "2027-03-22",
            "summaries_returned": "2027-04-06",
            "summaries_collated": "2027-04-07",
            "papers_sent": "2027-04-08",
            "meeting": "2027-04-12",
            "panel_deadline": "2027-04-13",
        },
        ("2027-04-12", "2027-04-12"),
        "2027-04-13",
    ),
    # Over Christmas 2026, notified on the Friday (day 1).
    ("kent-2019", "2026-12-18"): (
        {
            "requests_sent": "2026-12-18",
            "summaries_returned": "2027-01-05",
            "summaries_collated": "2027-01-06",
            "papers_sent": "2027-01-07",
            "meeting": "2027-01-11",
            "panel_deadline": "2027-01-12",
        },
        ("2027-01-11", "2027-01-11"),
        "2027-01-12",
    ),
    # Seed 002 App. 5 across Easter 2027.
    ("kent-2024", "2027-03-17"): (
        {
            "requests_sent": "2027-03-17",  # Rapid Review day 1
            "summaries_returned": "2027-03-31",  # day 9
            "summaries_circulated": "2027-03-31",
            "meeting": "2027-04-06",  # day 13, the latest
            "report_finalised": "2027-04-08",  # by days 13-15
            "panel_deadline": "2027-04-08",  # day 15
        },
        ("2027-04-02", "2027-04-06"),  # days 11-13
        "2027-04-08",
    ),
    # Notified on Saturday 19 Dec 2026: Monday 21 Dec is day 1.
    ("kent-2024", "2026-12-19"): (
        {
            "requests_sent": "2026-12-21",
            "summaries_returned": "2027-01-05",
            "summaries_circulated": "2027-01-05",
            "meeting": "2027-01-11",
            "report_finalised": "2027-01-13",
            "panel_deadline": "2027-01-13",
        },
        ("2027-01-07", "2027-01-11"),
        "2027-01-13",
    ),
    # Seed 003 §3.4, §4.4-4.6: PRG within 10, report to the Executive within 10, ratified and
    # sent within 15.
    ("bnes", "2026-12-18"): (
        {
            "chairs_informed": "2026-12-21",
            "requests_sent": "2026-12-21",
            "returns_due": "2026-12-30",  # day 6 (the playbook's choice)
            "report_to_executive": "2027-01-06",  # day 10
            "meeting": "2027-01-06",  # day 10, the latest
            "ratification": "2027-01-12",  # day 14
            "panel_deadline": "2027-01-13",  # day 15
        },
        ("2026-12-29", "2027-01-06"),  # days 5-10
        "2027-01-13",
    ),
    ("bnes", "2027-03-20"): (
        {
            "chairs_informed": "2027-03-22",
            "requests_sent": "2027-03-22",
            "returns_due": "2027-03-31",
            "report_to_executive": "2027-04-06",
            "meeting": "2027-04-06",
            "ratification": "2027-04-12",
            "panel_deadline": "2027-04-13",
        },
        ("2027-03-30", "2027-04-06"),
        "2027-04-13",
    ),
    # Seed 004: the national 15 working days; LLR's days elsewhere. Across the Spring bank
    # holiday, Monday 31 May 2027.
    ("leeds", "2027-05-24"): (
        {
            "requests_sent": "2027-05-26",
            "returns_due": "2027-06-08",
            "summary_circulated": "2027-06-08",
            "meeting": "2027-06-11",
            "ratification": "2027-06-15",
            "panel_deadline": "2027-06-15",
        },
        ("2027-06-03", "2027-06-11"),
        "2027-06-15",
    ),
}


@pytest.mark.parametrize(("key", "notified"), list(TIMETABLES))
def test_dated_milestones(key: str, notified: str) -> None:
    dues, (earliest, latest), panel = TIMETABLES[key, notified]
    table = build_timetable(playbooks.load(key), EW, D(notified))
    assert {m.key: m.due.isoformat() for m in table.milestones} == dues
    assert table.meeting_window == (D(earliest), D(latest))
    assert table.panel_deadline == D(panel)
    assert [m.due for m in table.milestones] == sorted(m.due for m in table.milestones)


def test_the_llr_example_as_json() -> None:
    table = build_timetable(playbooks.load("llr"), EW, D("2026-12-18")).as_json()
    assert table["meeting_window"] == {"earliest": "2026-12-31", "latest": "2027-01-11"}
    assert table["panel_deadline"] == "2027-01-13"


# --- quorum and pre-notification, seed by seed ----------------------------------------------


def seats(key: str) -> set[RequiredSeat]:
    return set(playbooks.load(key).quorum.required)


def decision_makers() -> set[RequiredSeat]:
    return {RequiredSeat(role="decision_maker", partner=p) for p in Partner}


def test_llr_leeds_and_bnes_need_three_agencies_including_two_partners() -> None:
    for key in ("llr", "leeds", "bnes"):
        rule = playbooks.load(key).quorum
        assert (rule.min_partner_agencies, rule.min_safeguarding_partners) == (3, 2)
    assert "own rule" in playbooks.load("bnes").quorum.description  # seed 003 sets none


def test_kent_2024_needs_the_chair_and_all_three_decision_makers() -> None:
    rule = playbooks.load("kent-2024").quorum
    assert seats("kent-2024") == {RequiredSeat(role="chair"), *decision_makers()}
    assert rule.information_only_cap == 2 and rule.deputies_count


def test_kent_2019_needs_the_rapid_review_group() -> None:
    assert seats("kent-2019") == {RequiredSeat(role="partnership_manager"), *decision_makers()}


def test_only_kent_2024_has_a_pre_notification_phase() -> None:
    pre = playbooks.load("kent-2024").pre_notification
    assert pre is not None and (pre.decision_by, pre.notify_by) == (3, 5)
    assert [k for k in SHIPPED if playbooks.load(k).pre_notification] == ["kent-2024"]


# --- the loader -----------------------------------------------------------------------------


def test_an_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(playbooks.UnknownPlaybook) as err:
        playbooks.load("kant")
    assert err.value.message == (
        "Unknown playbook 'kant'. Choose one of: bnes, kent-2019, kent-2024, leeds, llr,"
        " or give a path to a YAML file."
    )


def test_a_shipped_name_may_be_written_in_capitals() -> None:
    assert playbooks.load("Kent-2019") is playbooks.load("kent-2019")


def test_a_playbook_file_loads_by_path(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    path.write_text(LLR.replace("code: LLR", "code: OURS"))
    assert playbooks.load(str(path)).code == "OURS"


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(FileInvalid, match="nowhere.yaml: cannot read the file"):
        playbooks.load(str(missing))


@pytest.fixture
def shipped_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Stand-in for the package's playbook folder, with the caches emptied either side."""
    monkeypatch.setattr(playbooks, "HERE", tmp_path)
    playbooks._shipped_keys.cache_clear()
    playbooks._load_shipped.cache_clear()
    yield tmp_path
    playbooks._shipped_keys.cache_clear()
    playbooks._load_shipped.cache_clear()


def test_a_shipped_playbook_key_must_match_its_file_name(shipped_dir: Path) -> None:
    (shipped_dir / "ours.yaml").write_text(LLR)
    assert playbooks.available() == ["ours"]
    with pytest.raises(FileInvalid, match=r"ours\.yaml, field key: 'llr' does not match"):
        playbooks.load("ours")


# --- bad files: file, line, field, reason ---------------------------------------------------


def bad(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The LLR playbook with one change, written to a file; and the line of the change."""
    assert LLR.count(old) == 1, old
    text = LLR.replace(old, new)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    return path, text[: text.index(new)].count("\n") + 1


def refusal(path: Path) -> str:
    with pytest.raises(FileInvalid) as err:
        playbooks.load(str(path))
    return err.value.message


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    path, line = bad(tmp_path, "panel_deadline: 15", "panel_deadline: 15\ncolour: blue")
    assert refusal(path) == f"{path}, line {line + 1}, field colour: Extra inputs are not permitted"


def test_a_wrong_type_is_refused(tmp_path: Path) -> None:
    path, line = bad(tmp_path, "panel_deadline: 15", "panel_deadline: fifteen")
    assert refusal(path) == (
        f"{path}, line {line}, field panel_deadline: Input should be a valid integer,"
        " unable to parse string as an integer"
    )


def test_a_window_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    path, line = bad(
        tmp_path, "window: {earliest: 7, latest: 13}", "window: {earliest: 9, latest: 7}"
    )
    assert refusal(path) == (
        f"{path}, line {line}, field meeting.window: earliest (9) is after latest (7)"
    )


def test_a_milestone_after_the_panel_deadline_is_refused(tmp_path: Path) -> None:
    path, line = bad(tmp_path, "day: 10  # §4.9\n", "day: 20  # §4.9\n")
    assert refusal(path) == (
        f"{path}, line {line}, field milestones.1.day: milestone 'returns_due' is on day 20,"
        " outside days 0-15"
    )


def test_a_derived_milestone_is_refused(tmp_path: Path) -> None:
    path, line = bad(tmp_path, "key: returns_due", "key: meeting")
    assert f"{path}, line {line}, field milestones.1.key: 'meeting' is derived" in refusal(path)


def test_a_missing_field_points_at_its_mapping(tmp_path: Path) -> None:
    path, line = bad(tmp_path, "window: {earliest: 7, latest: 13}", "window: {earliest: 7}")
    assert refusal(path) == f"{path}, line {line}, field meeting.window.latest: Field required"


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    path, _ = bad(tmp_path, "counting: day0", "counting: day2\ncolour: blue")
    lines = refusal(path).splitlines()
    assert len(lines) == 2
    assert "field counting: Input should be 'day0' or 'day1'" in lines[0]
    assert "field colour: Extra inputs are not permitted" in lines[1]


def test_a_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path, line = bad(
        tmp_path, "window: {earliest: 7, latest: 13}", "window: {earliest: 7, latest: 13"
    )
    message = refusal(path)
    assert message.startswith(f"{path}, line ") and "YAML syntax" in message
    assert int(message.split("line ")[1].split(":")[0]) >= line


def test_a_duplicate_key_is_refused(tmp_path: Path) -> None:
    path, line = bad(tmp_path, "panel_deadline: 15", "panel_deadline: 15\npanel_deadline: 16")
    assert refusal(path) == (
        f"{path}, line {line + 1}, field panel_deadline: duplicate key (first given on line {line})"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- key: llr\n", "line 1: the top level must be a mapping of field: value, not a list"),
        ("llr\n", "line 1: the top level must be a mapping of field: value, not a single value"),
    ],
)
def test_an_empty_or_shapeless_file_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "shapeless.yaml"
    path.write_text(text)
    assert refusal(path).startswith(str(path))
    assert reason in refusal(path)

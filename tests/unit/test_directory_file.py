"""A partnership directory file is checked at load: file, line, field and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.directories import SAMPLE, load_directory
from bot.domain.directory import Partner, Role
from bot.yamlfile import FileInvalid


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "directory.yaml"
    path.write_text(text)
    return path


def sample_with(old: str, new: str, tmp_path: Path) -> Path:
    text = SAMPLE.read_text()
    assert old in text
    return write(tmp_path, text.replace(old, new, 1))


def test_the_shipped_sample_is_valid_and_fictional() -> None:
    directory = load_directory()
    assert all(p.email.endswith(".example.org") for p in directory.people)
    assert directory.with_role(Role.CHAIR)
    assert directory.partner_agency(Partner.POLICE).deputy


def test_a_person_without_email_is_refused_with_line_and_field(tmp_path: Path) -> None:
    path = sample_with(
        "{email: bo.adeyemi@partnership.example.org, name: Bo Adeyemi,",
        "{name: Bo Adeyemi,",
        tmp_path,
    )
    with pytest.raises(FileInvalid) as err:
        load_directory(path)
    message = err.value.message
    assert str(path) in message
    assert "line 5" in message and "people.0.email" in message and "Field required" in message


def test_a_partner_agency_without_a_decision_maker_is_refused(tmp_path: Path) -> None:
    path = sample_with("    decision_maker: gray.osei@police.example.org\n", "", tmp_path)
    with pytest.raises(FileInvalid, match="police safeguarding partner and needs a decision_maker"):
        load_directory(path)


def test_a_directory_without_a_chair_is_refused(tmp_path: Path) -> None:
    path = sample_with("roles: [chair]", "roles: []", tmp_path)
    with pytest.raises(FileInvalid, match="nobody holds the role chair"):
        load_directory(path)


def test_an_agency_naming_someone_not_listed_is_refused(tmp_path: Path) -> None:
    path = sample_with(
        "spoc: uma.rowe@housing.example.org", "spoc: nobody@housing.example.org", tmp_path
    )
    with pytest.raises(FileInvalid, match="spoc nobody@housing.example.org is not in people"):
        load_directory(path)


def test_a_malformed_email_is_refused(tmp_path: Path) -> None:
    path = sample_with("bo.adeyemi@partnership.example.org, name", "bo.adeyemi, name", tmp_path)
    with pytest.raises(FileInvalid, match=r"people\.0\.email"):
        load_directory(path)


def test_a_list_whose_only_item_is_wrong_is_not_also_called_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "partnership: X\npeople:\n  - {name: A}\nagencies: []\n")
    with pytest.raises(FileInvalid) as err:
        load_directory(path)
    assert err.value.message.splitlines() == [
        f"{path}, line 3, field people.0.email: Field required",
        f"{path}, line 4, field agencies: Tuple should have at least 1 item after validation,"
        " not 0",
    ]

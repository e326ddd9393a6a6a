"""`rrbot teams package`: the zip a council's Teams administrator uploads holds exactly the
manifest and its two icons; the manifest names the bot by its Entra client id, offers the
case-chat and personal-chat commands rrbot really has, and carries nothing about a case.
Anything missing or malformed is refused in one line, and no zip is left behind."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from bot.cli import cli
from bot.config import Settings
from bot.domain.errors import InvalidInput
from bot.domain.sensitivity import CaseSubject, SensitivityGuard
from bot.teams_package import TEMPLATE_DIR, write_package
from handlers.commands import SUBCOMMANDS

CLIENT_ID = "3b2d6a10-0000-4000-8000-0000000c11e7"
CATALOGUE_ID = "5e0f7c21-0000-4000-8000-0000000a99c4"  # what the catalogue gave the upload
SCHEMA = "https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
PARTNERSHIP: dict[str, Any] = {
    "teams_client_id": CLIENT_ID,
    "teams_app_id": CATALOGUE_ID,
    "public_base_url": "https://rrbot.partnership.example.org",
    "teams_publisher": "Example Safeguarding Partnership",
    "teams_website_url": "https://partnership.example.org",
    "teams_privacy_url": "https://partnership.example.org/privacy-notice",
    "teams_terms_url": "https://partnership.example.org/acceptable-use",
}
# The fictional child and family of the demo's case: never in anything the bot publishes.
SUBJECT = CaseSubject(names=("Jamie Fictitious", "Testperson"))


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **(PARTNERSHIP | overrides))  # type: ignore[call-arg]


def package(tmp_path: Path, **overrides: Any) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    out = tmp_path / "rapid-review-teams.zip"
    write_package(settings(**overrides), out)
    archive = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    return archive, json.loads(archive.read("manifest.json"))


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


def test_the_zip_holds_the_manifest_and_two_icons_of_the_right_sizes(tmp_path: Path) -> None:
    archive, _ = package(tmp_path)

    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    with Image.open(io.BytesIO(archive.read("color.png"))) as color:
        assert (color.format, color.size) == ("PNG", (192, 192))
        assert color.convert("RGBA").getextrema()[3] == (255, 255)  # full colour, opaque
    with Image.open(io.BytesIO(archive.read("outline.png"))) as outline:
        assert (outline.format, outline.size) == ("PNG", (32, 32))
        pixels = outline.convert("RGBA").get_flattened_data()
        drawn = {p[:3] for p in pixels if p[3] > 0}
        assert drawn == {(255, 255, 255)}  # white only
        assert any(p[3] == 0 for p in pixels)  # on transparent


def test_the_manifest_is_the_current_schema_and_names_the_bot_by_its_client_id(
    tmp_path: Path,
) -> None:
    _, manifest = package(tmp_path)

    assert manifest["$schema"] == SCHEMA
    assert manifest["manifestVersion"] == "1.29"
    assert manifest["id"] == CLIENT_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == CLIENT_ID
    assert manifest["webApplicationInfo"] == {
        "id": CLIENT_ID,
        "resource": "https://rrbot.partnership.example.org",
    }
    assert manifest["validDomains"] == ["rrbot.partnership.example.org"]
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["name"]["short"] == "Rapid Review"
    assert len(manifest["name"]["full"]) <= 100
    assert manifest["developer"] == {
        "name": "Example Safeguarding Partnership",
        "websiteUrl": "https://partnership.example.org",
        "privacyUrl": "https://partnership.example.org/privacy-notice",
        "termsOfUseUrl": "https://partnership.example.org/acceptable-use",
    }
    assert not [s for s in strings(manifest) if "{{" in s]


def test_the_catalogue_id_is_not_written_into_the_package(tmp_path: Path) -> None:
    """The catalogue gives the upload its own id (Graph's teamsApp id): TEAMS_APP_ID is
    learnt after the upload and has no place in the manifest."""
    _, manifest = package(tmp_path)

    assert CATALOGUE_ID not in json.dumps(manifest)


def test_the_bot_serves_personal_and_case_chats_with_real_commands(tmp_path: Path) -> None:
    _, manifest = package(tmp_path)
    [bot] = manifest["bots"]

    assert bot["scopes"] == ["personal", "groupChat"]
    assert bot["supportsFiles"] is True  # returns come with documents
    assert bot["isNotificationOnly"] is False
    lists = {tuple(entry["scopes"]): entry["commands"] for entry in bot["commandLists"]}
    assert set(lists) == {("groupChat",), ("personal",)}
    for commands in lists.values():
        titles = [c["title"] for c in commands]
        assert len(titles) <= 10  # Teams shows at most ten per list
        assert len(set(titles)) == len(titles)
        assert set(titles) <= set(SUBCOMMANDS), set(titles) - set(SUBCOMMANDS)
        assert "help" in titles  # which lists the rest
        assert all(c["description"] for c in commands)
    assert {"status", "schedule", "book", "decision", "submit"} <= {
        c["title"] for c in lists[("groupChat",)]
    }
    assert "new" in {c["title"] for c in lists[("personal",)]}


def test_no_child_or_family_name_nor_any_personal_data_is_anywhere(tmp_path: Path) -> None:
    archive, manifest = package(tmp_path)
    guard = SensitivityGuard(SUBJECT)

    assert [s for s in strings(manifest) if guard.findings(s)] == []
    assert [n for n in archive.namelist() if guard.findings(n)] == []


def test_the_same_settings_give_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "one.zip", tmp_path / "two.zip"
    write_package(settings(), first)
    write_package(settings(), second)

    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"teams_client_id": None, "teams_privacy_url": None},
            "Set TEAMS_CLIENT_ID, TEAMS_PRIVACY_URL to package the Teams app.",
        ),
        (
            {"teams_client_id": "rapid-review-bot"},
            "TEAMS_CLIENT_ID must be a GUID (the Application (client) ID of the bot's app"
            " registration in Entra ID), not 'rapid-review-bot'.",
        ),
        (
            {"public_base_url": "http://rrbot.partnership.example.org"},
            "PUBLIC_BASE_URL must be an https URL, not 'http://rrbot.partnership.example.org'.",
        ),
        (
            {"teams_terms_url": "partnership.example.org/terms"},
            "TEAMS_TERMS_URL must be an https URL, not 'partnership.example.org/terms'.",
        ),
        (
            {"teams_publisher": "Leicester, Leicestershire and Rutland Partnership"},
            "TEAMS_PUBLISHER is 49 characters; Teams shows at most 32 (e.g. 'LLR Safeguarding"
            " Partnership').",
        ),
    ],
)
def test_a_missing_or_malformed_setting_is_refused_in_one_line(
    tmp_path: Path, overrides: dict[str, Any], message: str
) -> None:
    out = tmp_path / "rapid-review-teams.zip"

    with pytest.raises(InvalidInput) as refused:
        write_package(settings(**overrides), out)

    assert refused.value.message == message
    assert list(tmp_path.iterdir()) == []


def test_an_icon_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "teams"
    template.mkdir()
    for name in ("manifest.json", "color.png"):
        (template / name).write_bytes((TEMPLATE_DIR / name).read_bytes())
    Image.new("RGBA", (48, 48)).save(template / "outline.png")

    with pytest.raises(InvalidInput, match=r"outline\.png must be a 32x32 PNG, not a 48x48 PNG"):
        write_package(settings(), tmp_path / "out.zip", template_dir=template)


def test_the_command_writes_the_zip_and_says_what_to_do_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name, value in PARTNERSHIP.items():
        monkeypatch.setenv(name.upper(), value)

    result = CliRunner().invoke(cli, ["teams", "package", "--app-version", "1.2.0"])

    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote rapid-review-teams.zip: Rapid Review 1.2.0 for the bot {CLIENT_ID} at"
        " rrbot.partnership.example.org. Upload it in the Teams admin centre (Teams apps, Manage"
        " apps, Upload new app), then set TEAMS_APP_ID to the App ID shown there.\n"
    )
    written = zipfile.ZipFile(tmp_path / "rapid-review-teams.zip")
    manifest = json.loads(written.read("manifest.json"))
    assert manifest["version"] == "1.2.0"


def test_the_command_refuses_with_one_line_and_exit_code_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in PARTNERSHIP:
        monkeypatch.delenv(name.upper(), raising=False)

    result = CliRunner().invoke(cli, ["teams", "package", "--out", "app.zip"])

    assert result.exit_code == 1
    assert result.output == (
        "Error: Set TEAMS_CLIENT_ID, PUBLIC_BASE_URL, TEAMS_PUBLISHER, TEAMS_WEBSITE_URL,"
        " TEAMS_PRIVACY_URL, TEAMS_TERMS_URL to package the Teams app.\n"
    )
    assert not (tmp_path / "app.zip").exists()


def test_help_and_the_package_module_load_no_teams_sdk_nor_pillow() -> None:
    """`rrbot --help`'s cold start is measured: the Teams SDK and Pillow load only when a
    package is written or the doctor runs."""
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from bot.cli import cli\n"
        "import bot.teams_package\n"
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
        "heavy = ('microsoft_teams', 'PIL', 'azure', 'msgraph')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == "[]"


def test_the_committed_icons_are_what_the_committed_script_draws() -> None:
    spec = importlib.util.spec_from_file_location("make_icons", TEMPLATE_DIR / "make_icons.py")
    assert spec is not None and spec.loader is not None
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)

    for name, drawn in [
        ("color.png", make_icons.colour_icon()),
        ("outline.png", make_icons.outline_icon()),
    ]:
        with Image.open(TEMPLATE_DIR / name) as committed:
            assert committed.convert("RGBA").tobytes() == drawn.convert("RGBA").tobytes(), name


def test_the_manifest_keeps_within_the_schema_s_limits(tmp_path: Path) -> None:
    _, manifest = package(tmp_path)
    [bot] = manifest["bots"]

    assert len(manifest["name"]["short"]) <= 30
    assert manifest["name"]["full"] != manifest["name"]["short"]
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    assert manifest["description"]["short"] not in manifest["description"]["full"]
    assert len(manifest["developer"]["name"]) <= 32
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["accentColor"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    for entry in bot["commandLists"]:
        for command in entry["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128

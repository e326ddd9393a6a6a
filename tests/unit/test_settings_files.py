"""Every secret setting can come from `<NAME>_FILE`, as container secrets are mounted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.domain.errors import InvalidInput
from bot.secret_files import secret_settings

SECRET = "xoxb-the-secret-value-itself"


@pytest.fixture(autouse=True)
def _no_secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in list(os.environ):
        if variable.upper().startswith(("SLACK_", "GRAPH_", "TEAMS_", "DATABASE_URL", "NOTIF")):
            monkeypatch.delenv(variable)


def _settings() -> Settings:
    return load_settings(_env_file=None)


def _secret_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "secret"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_secret_setting_and_the_database_url_may_come_from_a_file() -> None:
    names = set(secret_settings(Settings))
    assert {
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "graph_client_secret",
        "teams_client_secret",
        "notification_token",
        "database_url",
    } <= names
    assert "audit_key" not in names  # AUDIT_KEY_FILE keeps its own meaning
    assert "slack_api_url" not in names


def test_a_secret_is_read_from_its_file_without_the_trailing_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN_FILE", str(_secret_file(tmp_path, SECRET + "\n")))
    token = _settings().slack_bot_token
    assert token is not None
    assert token.get_secret_value() == SECRET


def test_the_database_url_is_read_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql+asyncpg://rrbot:pa55@db:5432/rrbot"
    monkeypatch.setenv("DATABASE_URL_FILE", str(_secret_file(tmp_path, url + "\r\n")))
    assert _settings().database_url == url


def test_a_file_value_is_still_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN_FILE", str(_secret_file(tmp_path, "not-app-level")))
    with pytest.raises(InvalidInput, match="SLACK_APP_TOKEN: .*must be an app-level token"):
        _settings()


def test_a_value_and_a_file_both_set_are_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAPH_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("GRAPH_CLIENT_SECRET_FILE", str(_secret_file(tmp_path, SECRET)))
    with pytest.raises(InvalidInput) as refused:
        _settings()
    message = str(refused.value)
    assert "GRAPH_CLIENT_SECRET and GRAPH_CLIENT_SECRET_FILE are both set" in message
    assert "\n" not in message
    assert SECRET not in message


@pytest.mark.parametrize(
    ("make", "complaint"),
    [
        (lambda tmp: tmp / "absent", "no such file"),
        (lambda tmp: tmp, "is a directory"),
        (lambda tmp: _secret_file(tmp, "\n"), "is empty"),
        (lambda tmp: _secret_file(tmp, ""), "is empty"),
    ],
)
def test_a_missing_or_empty_file_names_the_variable_never_a_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: object, complaint: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    monkeypatch.setenv("TEAMS_CLIENT_SECRET_FILE", str(path))
    with pytest.raises(InvalidInput, match=f"TEAMS_CLIENT_SECRET_FILE: .*{complaint}") as refused:
        _settings()
    assert "\n" not in str(refused.value)


def test_an_unreadable_file_is_refused_without_its_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "latin1"
    path.write_bytes(b"caf\xe9-" + SECRET.encode())
    monkeypatch.setenv("NOTIFICATION_TOKEN_FILE", str(path))
    with pytest.raises(InvalidInput, match="NOTIFICATION_TOKEN_FILE: .* is not UTF-8") as refused:
        _settings()
    assert SECRET not in str(refused.value)


def test_an_explicit_argument_wins_over_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL_FILE", str(tmp_path / "absent"))
    assert load_settings(_env_file=None, database_url="sqlite+aiosqlite://").database_url == (
        "sqlite+aiosqlite://"
    )

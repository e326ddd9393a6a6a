"""deploy/.env.example names every setting, each with its meaning, and no value of a secret."""

from __future__ import annotations

import re

from bot.config import Settings
from bot.secret_files import secret_settings
from tests.deploy.lockfiles import ROOT

EXAMPLE = ROOT / "deploy" / ".env.example"
ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def _entries() -> list[tuple[str, str, bool, str]]:
    """(name, value, commented out, the comment just above it)."""
    entries = []
    previous = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = ASSIGNMENT.match(line)
        if match:
            entries.append((match.group(2), match.group(3), bool(match.group(1)), previous))
        previous = line
    return entries


def test_every_setting_and_nothing_else_is_listed_once() -> None:
    names = [name for name, *_ in _entries()]
    assert sorted(names) == sorted(field.upper() for field in Settings.model_fields)


def test_each_setting_has_its_meaning_on_the_line_above() -> None:
    for name, _value, _commented, above in _entries():
        assert above.startswith("# ") and not ASSIGNMENT.match(above), name
        assert len(above) > 12, name


def test_no_secret_has_a_value_and_every_default_is_the_real_one() -> None:
    secrets = {s.upper() for s in secret_settings(Settings)} | {"AUDIT_KEY"}
    fields = {name.upper(): field for name, field in Settings.model_fields.items()}
    for name, value, commented, _above in _entries():
        assert commented, f"{name}: a copied .env.example must change nothing"
        if name in secrets:
            assert value == "" or name == "DATABASE_URL", name
        default = fields[name].default
        assert value == ("" if default is None else str(default)), name

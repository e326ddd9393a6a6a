"""The shipped partnership playbooks (one YAML file each, named by its key) and their loader.

`load("llr")` for a shipped one, `load("path/to/ours.yaml")` for a partnership's own file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.domain.errors import DomainError
from bot.domain.playbook import Playbook

HERE = Path(__file__).parent
SUFFIXES = (".yaml", ".yml")


class UnknownPlaybook(DomainError):
    """Neither a shipped playbook's key nor a path to a YAML file."""

    code = "unknown_playbook"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Unknown playbook '{name}'. Choose one of: {', '.join(available())},"
            " or give a path to a YAML file."
        )
        self.name = name


@cache
def _shipped_keys() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in HERE.glob("*.yaml")))


def available() -> list[str]:
    """The keys of the shipped playbooks, sorted."""
    return list(_shipped_keys())


def load(name_or_path: str) -> Playbook:
    """A shipped playbook by key (cached), or a playbook YAML file by path (read each time).

    Raises `UnknownPlaybook`, or `FileInvalid` naming the file, line, field and reason.
    """
    key = name_or_path.strip().lower()  # PLAYBOOK=LLR in an .env file means llr
    if key in _shipped_keys():
        return _load_shipped(key)
    path = Path(name_or_path)
    if path.suffix.lower() in SUFFIXES or "/" in name_or_path or path.is_file():
        return _load_file(path)
    raise UnknownPlaybook(name_or_path)


@cache
def _load_shipped(key: str) -> Playbook:
    path = HERE / f"{key}.yaml"
    playbook = _load_file(path)
    if playbook.key != key:  # the key is what cases record; the file name is how it is found
        from bot.yamlfile import FileInvalid, FileProblem

        raise FileInvalid(
            [
                FileProblem(
                    str(path),
                    None,
                    "key",
                    f"'{playbook.key}' does not match the file name; a shipped playbook's"
                    f" key must be '{key}'",
                )
            ]
        )
    return playbook


def _load_file(path: Path) -> Playbook:
    from bot.yamlfile import load_model

    return load_model(path, Playbook)

"""Reading the hashed lock files and pyproject.toml, for the tests that hold them together."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
TEST_LOCK = ROOT / "requirements" / "test.lock"
BUILD_IN = ROOT / "requirements" / "build.in"


@dataclass(frozen=True)
class Pin:
    requirement: Requirement
    hashes: tuple[str, ...]


def read_lock(path: Path) -> dict[NormalizedName, Pin]:
    """Each entry of a `--generate-hashes` lock: `name==version \\` then `--hash=` lines."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    pins: dict[NormalizedName, Pin] = {}
    for entry in logical:
        words = entry.split()
        requirement = Requirement(" ".join(w for w in words if not w.startswith("--")))
        hashes = tuple(w.removeprefix("--hash=") for w in words if w.startswith("--hash="))
        pins[canonicalize_name(requirement.name)] = Pin(requirement, hashes)
    return pins


def declared(*, extra: str | None) -> list[Requirement]:
    """The project's runtime dependencies (and an extra's), plus what building it needs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    if extra is not None:
        lines += project["optional-dependencies"][extra]
    for raw in BUILD_IN.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.lstrip().startswith("#"):
            lines.append(raw.strip())
    return [Requirement(line) for line in lines]

"""The lock files pin, with hashes, everything pyproject.toml declares: a dependency added
without running scripts/lock fails here."""

from __future__ import annotations

from importlib.metadata import requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from tests.deploy.lockfiles import ROOT, RUNTIME_LOCK, TEST_LOCK, declared, read_lock


def brought_by_extra(distribution: str, extra: str) -> set[NormalizedName]:
    """What the installed distribution needs only when `extra` is asked for (here, Linux)."""
    needs = [Requirement(line) for line in requires(distribution) or []]
    return {
        canonicalize_name(need.name)
        for need in needs
        if need.marker is not None
        and need.marker.evaluate({"extra": extra})
        and not need.marker.evaluate({"extra": ""})
    }


LOCKS = [pytest.param(RUNTIME_LOCK, None, id="runtime"), pytest.param(TEST_LOCK, "test", id="test")]


@pytest.mark.parametrize(("lock", "extra"), LOCKS)
def test_every_declared_dependency_is_locked_within_its_range(
    lock: Path, extra: str | None
) -> None:
    pins = read_lock(lock)
    for requirement in declared(extra=extra):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock.name}: run scripts/lock"
        (specifier,) = pins[name].requirement.specifier
        assert requirement.specifier.contains(specifier.version, prereleases=True), (
            f"{lock.name} pins {name}=={specifier.version}, outside {requirement}: run scripts/lock"
        )
        for extra_name in sorted(requirement.extras):  # e.g. sqlalchemy[asyncio]: greenlet
            for needed in brought_by_extra(requirement.name, extra_name):
                assert needed in pins, f"{needed} ({requirement.name}[{extra_name}]) unlocked"


@pytest.mark.parametrize(("lock", "extra"), LOCKS)
def test_every_locked_package_is_pinned_exactly_and_hashed(lock: Path, extra: str | None) -> None:
    pins = read_lock(lock)
    assert len(pins) > 20
    for name, pin in pins.items():
        specifiers = list(pin.requirement.specifier)
        assert [s.operator for s in specifiers] == ["=="], f"{name} is not pinned with =="
        assert pin.hashes, f"{name} has no --hash"
        assert all(h.startswith("sha256:") and len(h) == 71 for h in pin.hashes), name
        assert pin.requirement.url is None, f"{name} comes from a URL, not the index"


def test_the_runtime_lock_agrees_with_the_test_lock_and_holds_no_test_tool() -> None:
    runtime, test = read_lock(RUNTIME_LOCK), read_lock(TEST_LOCK)
    assert set(runtime) <= set(test)
    for name, pin in runtime.items():
        assert pin.requirement.specifier == test[name].requirement.specifier, name
    assert not {"pytest", "mypy", "ruff", "pip-audit", "uv"} & set(runtime)


def test_ci_the_readme_and_the_container_install_from_the_locks() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q --require-hashes -r requirements/test.lock" in ci
    assert "pip-audit" in ci
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/runtime.lock" in readme
    assert "--require-hashes -r requirements/test.lock" in readme
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes --only-binary=:all: -r requirements/runtime.lock" in dockerfile

"""deploy/Dockerfile's invariants, read from the file: no Docker engine runs on this machine,
so the image itself is not built here (README, "Running in production")."""

from __future__ import annotations

import re

import pytest

from tests.deploy.dockerfile import Stage, parse, variables
from tests.deploy.lockfiles import ROOT

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
SECRET_LOOKING = re.compile(r"TOKEN|SECRET|PASSW|KEY|CREDENTIAL|DATABASE_URL|PRIVATE", re.I)


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse(DOCKERFILE.read_text(encoding="utf-8"))[1]


def test_a_builder_stage_then_a_slim_python_311_runtime(stages: list[Stage]) -> None:
    assert [s.name for s in stages] == ["builder", "runtime"]
    for stage in stages:
        assert re.fullmatch(r"python:3\.11-slim(-\w+)?", stage.image), stage.image
    runtime = stages[-1]
    assert [c.arguments.split()[0] for c in runtime.all("COPY")] == ["--from=builder"]
    assert not any("apt-get" in r.arguments or "pip " in r.arguments for r in runtime.all("RUN"))


def test_the_lock_is_copied_and_installed_before_the_source(stages: list[Stage]) -> None:
    builder = stages[0]
    order = [(i.keyword, i.arguments) for i in builder.instructions]
    lock = order.index(("COPY", "requirements/runtime.lock requirements/runtime.lock"))
    installs = [n for n, (k, a) in enumerate(order) if k == "RUN" and "runtime.lock" in a]
    sources = [n for n, (k, a) in enumerate(order) if k == "COPY" and a.startswith("bot ")]
    assert lock < installs[0] < sources[0]
    assert not any(k == "COPY" and a.split()[0] == "." for k, a in order), "COPY . copies all"


def test_every_pip_install_is_hash_checked_or_the_project_alone_offline(
    stages: list[Stage],
) -> None:
    installs = [
        part.strip()
        for stage in stages
        for run in stage.all("RUN")
        for part in run.arguments.split("&&")
        if "pip install" in part
    ]
    assert len(installs) == 2
    for install in installs:
        hashed = "--require-hashes" in install and "--only-binary=:all:" in install
        project_only = install.endswith(" .") and {"--no-deps", "--no-index"} <= set(
            install.split()
        )
        assert hashed or project_only, install


def test_it_runs_as_a_numeric_non_root_user_on_a_read_only_root(stages: list[Stage]) -> None:
    runtime = stages[-1]
    (user,) = runtime.all("USER")
    uid, _, gid = user.arguments.partition(":")
    assert uid.isdigit() and int(uid) > 0 and (not gid or int(gid) > 0)
    environment = " ".join(e.arguments for e in runtime.all("ENV"))
    assert "MPLCONFIGDIR=/tmp/" in environment  # matplotlib's cache on the tmpfs
    assert "PYTHONDONTWRITEBYTECODE=1" in environment
    assert [w.arguments for w in runtime.all("WORKDIR")] == ["/data"]  # ./rrbot.db: a volume
    assert [v.arguments for v in runtime.all("VOLUME")] == ['["/data"]']
    assert "compileall" in " ".join(r.arguments for r in stages[0].all("RUN"))


def test_it_serves_rrbot_with_a_python_health_check_on_healthz(stages: list[Stage]) -> None:
    runtime = stages[-1]
    (healthcheck,) = runtime.all("HEALTHCHECK")
    assert "CMD python -c" in healthcheck.arguments and "/healthz" in healthcheck.arguments
    assert runtime.all("ENTRYPOINT")[0].exec_form() == ["rrbot"]
    assert runtime.all("CMD")[0].exec_form() == ["serve", "--host", "0.0.0.0"]


def test_nothing_secret_is_baked_in(stages: list[Stage]) -> None:
    global_args, _ = parse(DOCKERFILE.read_text(encoding="utf-8"))
    names = list(global_args) + [
        name for s in stages for i in s.all("ENV") + s.all("ARG") for name in variables(i)
    ]
    assert names and not [n for n in names if SECRET_LOOKING.search(n)]
    copied = " ".join(c.arguments for s in stages for c in s.all("COPY") + s.all("ADD"))
    assert ".env" not in copied and "secrets" not in copied


def test_the_build_context_leaves_out_secrets_environments_and_databases() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", "**/.env", ".venv/", ".ci-venv/", "*.db", "deploy/secrets/"} <= ignored

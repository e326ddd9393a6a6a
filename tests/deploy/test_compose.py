"""deploy/compose.yaml's invariants: PostgreSQL, a one-shot migration the replicas wait for,
two replicas behind one port, secrets only as files, read-only containers."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from bot.config import Settings
from bot.secret_files import FILE_SUFFIX, secret_settings
from tests.deploy.lockfiles import ROOT

DEPLOY = ROOT / "deploy"
RRBOT_SERVICES = ("migrate", "rrbot")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_postgresql_is_pinned_kept_on_a_volume_and_health_checked(
    compose: dict[str, Any],
) -> None:
    postgres = compose["services"]["postgres"]
    assert re.fullmatch(r"postgres:\d+(-\w+)?", postgres["image"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "pg_isready" in postgres["healthcheck"]["test"]
    assert postgres["environment"]["POSTGRES_PASSWORD_FILE"].startswith("/run/secrets/")


def test_two_replicas_start_after_the_one_shot_migration(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    rrbot = services["rrbot"]
    assert rrbot["command"][0] == "serve" and rrbot["deploy"]["replicas"] == 2
    assert rrbot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert rrbot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "/healthz" in " ".join(rrbot["healthcheck"]["test"])


def test_one_pinned_proxy_is_the_only_published_port(compose: dict[str, Any]) -> None:
    services = compose["services"]
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["proxy"]
    proxy = services["proxy"]
    assert re.fullmatch(r"nginx:\d+\.\d+(-\w+)?", proxy["image"])
    assert proxy["depends_on"]["rrbot"]["condition"] == "service_healthy"
    assert "healthcheck" in proxy
    (port,) = proxy["ports"]
    inside = port.rsplit(":", 1)[1]
    config = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert f"listen {inside};" in config and "server rrbot:3000" in config


@pytest.mark.parametrize("name", RRBOT_SERVICES)
def test_rrbot_containers_are_read_only_non_root_and_get_secrets_as_files(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    assert service["read_only"] is True and "/tmp" in service["tmpfs"]
    uid = service["user"].split(":")[0]
    assert uid.isdigit() and int(uid) > 0
    assert service["cap_drop"] == ["ALL"]
    (directory,) = service["configs"]
    assert service["environment"]["DIRECTORY"] == directory["target"]
    assert compose["configs"][directory["source"]]["file"] == "./directory.yaml"
    secret_names = {s.upper() for s in secret_settings(Settings)} | {"AUDIT_KEY"}
    environment: dict[str, str] = service["environment"]
    assert not secret_names & set(environment), "a secret's value in compose.yaml"
    files = {k: v for k, v in environment.items() if k.endswith(FILE_SUFFIX)}
    assert {"DATABASE_URL_FILE", "AUDIT_KEY_FILE"} <= set(files)
    for variable, path in files.items():
        assert variable.removesuffix(FILE_SUFFIX) in secret_names, variable
        secret = path.removeprefix("/run/secrets/")
        assert secret in service["secrets"] and secret in compose["secrets"], variable
        assert compose["secrets"][secret]["file"].startswith("./secrets/")


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose plugin is not installed here",
)
def test_docker_compose_accepts_the_file() -> None:
    subprocess.run(
        ["docker", "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"],
        check=True,
        timeout=60,
    )

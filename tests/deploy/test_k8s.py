"""deploy/k8s as Kubernetes would receive it (`kubectl kustomize`): two replicas that start
only after the migration, probed, locked down, sized from the measured memory, and stopped
within a grace longer than the application's own."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBECTL = shutil.which("kubectl")
MEASURED_PEAK_MIB = 128  # benchmarks/bench_memory.py: 134 MB after 1,000 cases (PostgreSQL)

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def rendered() -> list[Doc]:
    assert KUBECTL is not None
    out = subprocess.run(
        [KUBECTL, "kustomize", str(K8S)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def one(docs: list[Doc], kind: str) -> Doc:
    (found,) = [d for d in docs if d["kind"] == kind]
    return found


def mebibytes(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    for suffix, factor in units.items():
        if quantity.endswith(suffix):
            return float(quantity.removesuffix(suffix)) * factor
    raise AssertionError(f"write memory in Ki, Mi or Gi: {quantity}")


def pod_specs(docs: list[Doc]) -> list[Doc]:
    return [d["spec"]["template"]["spec"] for d in docs if d["kind"] in ("Deployment", "Job")]


def containers(docs: list[Doc]) -> list[Doc]:
    return [c for s in pod_specs(docs) for c in [*s.get("initContainers", []), *s["containers"]]]


def test_the_migration_job_comes_before_the_deployment_and_gates_it(rendered: list[Doc]) -> None:
    kinds = [d["kind"] for d in rendered]
    assert kinds.index("Job") < kinds.index("Deployment")
    (migrate,) = one(rendered, "Job")["spec"]["template"]["spec"]["containers"]
    assert migrate["args"] == ["db", "upgrade"]
    spec = one(rendered, "Deployment")["spec"]["template"]["spec"]
    (wait,) = spec["initContainers"]
    assert wait["args"][:2] == ["db", "wait"]  # waits for the head; never migrates itself
    assert wait["image"] == migrate["image"] == spec["containers"][0]["image"]


def test_two_replicas_probed_on_readyz_and_healthz(rendered: list[Doc]) -> None:
    deployment = one(rendered, "Deployment")
    assert deployment["spec"]["replicas"] == 2
    (server,) = deployment["spec"]["template"]["spec"]["containers"]
    assert server["args"][0] == "serve"
    assert server["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert server["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_the_pods_grace_outlasts_the_pause_and_the_applications_grace(
    rendered: list[Doc],
) -> None:
    spec = one(rendered, "Deployment")["spec"]["template"]["spec"]
    config = one(rendered, "ConfigMap")["data"]
    grace = float(config["SHUTDOWN_GRACE_SECONDS"])
    pause = spec["containers"][0]["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pause + grace + 3 <= spec["terminationGracePeriodSeconds"]
    assert Settings.model_fields["shutdown_grace_seconds"].default == grace  # one story


def test_a_disruption_budget_keeps_one_replica_and_a_service_reaches_them(
    rendered: list[Doc],
) -> None:
    pod_labels = one(rendered, "Deployment")["spec"]["template"]["metadata"]["labels"]
    budget = one(rendered, "PodDisruptionBudget")["spec"]
    assert budget["minAvailable"] == 1
    assert budget["selector"]["matchLabels"].items() <= pod_labels.items()
    service = one(rendered, "Service")["spec"]
    assert service["selector"].items() <= pod_labels.items()
    assert service["ports"][0]["targetPort"] == "http"


def test_every_pod_runs_locked_down(rendered: list[Doc]) -> None:
    for spec in pod_specs(rendered):
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and isinstance(pod["runAsUser"], int)
        assert pod["runAsUser"] > 0 and pod["seccompProfile"]["type"] == "RuntimeDefault"
        assert spec["automountServiceAccountToken"] is False
        tmp = [v for v in spec["volumes"] if v["name"] == "tmp"]
        assert tmp and "emptyDir" in tmp[0]
    for container in containers(rendered):
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True
        assert security["capabilities"]["drop"] == ["ALL"]
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]


def test_memory_is_requested_and_limited_above_the_measured_peak(rendered: list[Doc]) -> None:
    for container in containers(rendered):
        resources = container["resources"]
        assert "cpu" in resources["requests"] and "memory" in resources["requests"]
        assert mebibytes(resources["limits"]["memory"]) >= mebibytes(
            resources["requests"]["memory"]
        )
    (server,) = one(rendered, "Deployment")["spec"]["template"]["spec"]["containers"]
    server_memory = {k: mebibytes(v["memory"]) for k, v in server["resources"].items()}
    assert server_memory["requests"] >= 1.25 * MEASURED_PEAK_MIB  # room to grow
    assert server_memory["limits"] >= 2 * MEASURED_PEAK_MIB  # a burst is not an OOM kill


def test_secrets_are_referenced_never_written_down(rendered: list[Doc]) -> None:
    assert [d for d in rendered if d["kind"] == "Secret"] == []
    config = one(rendered, "ConfigMap")["data"]
    for name in config:
        assert not any(word in name for word in ("TOKEN", "SECRET", "KEY", "PASSWORD"))
        assert name != "DATABASE_URL"  # it holds the database's password
    for container in containers(rendered):
        named = {e["name"]: e for e in container.get("env", [])}
        assert "secretKeyRef" in named["DATABASE_URL"]["valueFrom"]
        for name, entry in named.items():
            assert "value" not in entry, f"{name} is written into the manifest"

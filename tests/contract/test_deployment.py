"""The deployment as a reviewer reads it (docs/deployment.md): every role the CLI knows has
a Deployment with both probes, resources and a locked-down security context; gateways and
workers scale by HPA; the migrations run as a Job of `ossature migrate`; the image runs
`ossature` as an account without privileges. The API schemas are checked by .ci/deploy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ossature.cli import root
from ossature.runtime.system import ROLES

_ROOT = Path(__file__).parents[2]
_MANIFESTS = _ROOT / "deploy" / "kubernetes"
Manifest = dict[str, Any]


def _files() -> list[Path]:
    return sorted(p for p in _MANIFESTS.rglob("*.yaml") if p.name != "kustomization.yaml")


def _all() -> list[Manifest]:
    return [doc for path in _files() for doc in yaml.safe_load_all(path.read_text()) if doc]


def _of(kind: str) -> dict[str, Manifest]:
    return {doc["metadata"]["name"]: doc for doc in _all() if doc["kind"] == kind}


def _deployments() -> list[Manifest]:
    return list(_of("Deployment").values())


def _container(workload: Manifest) -> Manifest:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert 1 == len(containers)
    return containers[0]


def _role(deployment: Manifest) -> str:
    args = _container(deployment)["args"]
    assert "serve" == args[0]
    return str(args[1])


def test_every_role_of_the_cli_has_a_deployment_running_it() -> None:
    """ROLES (runtime/system.py) is what `serve` accepts: each runs in a Deployment of its
    own, scaled separately."""
    assert set(ROLES) <= {_role(deployment) for deployment in _deployments()}


@pytest.mark.parametrize("deployment", _deployments(), ids=lambda d: d["metadata"]["name"])
def test_a_deployment_probes_live_and_ready_on_a_port_its_container_serves(
    deployment: Manifest,
) -> None:
    """Liveness on /health/live, readiness on /health/ready, both on a named port of the
    container; a role without HTTP opens that port with OSSATURE_HEALTH_PORT."""
    container = _container(deployment)
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    live, ready = container["livenessProbe"]["httpGet"], container["readinessProbe"]["httpGet"]
    assert ("/health/live", "/health/ready") == (live["path"], ready["path"])
    assert live["port"] == ready["port"] and live["port"] in ports
    if _role(deployment) != "gateway":
        env = {item["name"]: item.get("value") for item in container.get("env", [])}
        assert str(ports[live["port"]]) == env["OSSATURE_HEALTH_PORT"]


@pytest.mark.parametrize(
    "workload", [*_deployments(), *_of("Job").values()], ids=lambda w: w["metadata"]["name"]
)
def test_a_workload_has_resources_and_runs_locked_down(workload: Manifest) -> None:
    """Requests and limits of CPU and memory; a non-root account, a read-only root file
    system, no privilege escalation, every capability dropped, no service account token."""
    pod, container = workload["spec"]["template"]["spec"], _container(workload)
    security = container["securityContext"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][bound])
    assert (True, True, False, ["ALL"]) == (
        pod["securityContext"]["runAsNonRoot"],
        security["readOnlyRootFilesystem"],
        security["allowPrivilegeEscalation"],
        security["capabilities"]["drop"],
    )
    assert 0 != pod["securityContext"]["runAsUser"]
    assert False is pod["automountServiceAccountToken"]


def test_gateways_and_workers_scale_by_a_horizontal_pod_autoscaler() -> None:
    """An autoscaling/v2 HPA targets each of the gateway's and the worker's Deployments,
    from two pods up."""
    deployments = {d["metadata"]["name"]: _role(d) for d in _deployments()}
    scaled = {
        deployments[hpa["spec"]["scaleTargetRef"]["name"]]: hpa["spec"]["minReplicas"]
        for hpa in _of("HorizontalPodAutoscaler").values()
        if hpa["apiVersion"] == "autoscaling/v2"
    }
    assert {"gateway": 2, "worker": 2} == {role: scaled[role] for role in ("gateway", "worker")}


def test_every_scaled_role_keeps_a_pod_through_a_voluntary_disruption() -> None:
    """A PodDisruptionBudget keeps one pod of each role that runs more than one."""
    budgets = {
        pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]
        for pdb in _of("PodDisruptionBudget").values()
        if pdb["spec"]["minAvailable"] == 1
    }
    several = {_role(d) for d in _deployments() if d["spec"]["replicas"] > 1}
    assert several <= budgets


def test_the_migrations_run_as_jobs_of_ossature_migrate_and_the_roles_only_check() -> None:
    """The expand Job runs `ossature migrate`, the contract Job `ossature migrate --contract`;
    the settings every role reads turn migrating at start off."""
    jobs = {name: _container(job)["args"] for name, job in _of("Job").items()}
    config = _of("ConfigMap")["ossature-config"]["data"]
    assert {
        "ossature-migrate": ["migrate"],
        "ossature-migrate-contract": ["migrate", "--contract"],
    } == jobs
    assert "off" == config["OSSATURE_MIGRATE"]


def test_the_roles_connect_to_a_nats_cluster_of_three_with_three_replicas() -> None:
    """The settings name three NATS nodes and ask the streams for three replicas."""
    config = _of("ConfigMap")["ossature-config"]["data"]
    nodes = config["OSSATURE_NATS_URL"].split(",")
    assert (3, "3") == (len(set(nodes)), config["OSSATURE_NATS_CLUSTER"])


def test_what_the_manifests_run_is_what_the_cli_offers() -> None:
    """Each command of the Deployments and Jobs is one the image's `ossature` accepts."""
    commands = {
        tuple(arg for arg in _container(workload)["args"] if arg != "--contract")
        for workload in [*_deployments(), *_of("Job").values()]
    }
    answers = {
        command: CliRunner().invoke(root(), [*command[:1], "--help"]).exit_code
        for command in commands
    }
    assert {command: 0 for command in commands} == answers


def test_secrets_are_referenced_and_never_included() -> None:
    """No Secret is in the repository; each one the pods name is documented for the operator."""
    named = {
        source["secretRef"]["name"]
        for workload in [*_deployments(), *_of("Job").values()]
        for source in _container(workload)["envFrom"]
        if "secretRef" in source
    } | {
        volume["secret"]["secretName"]
        for workload in [*_deployments(), *_of("Job").values()]
        for volume in workload["spec"]["template"]["spec"]["volumes"]
        if "secret" in volume
    }
    documented = (_ROOT / "docs" / "deployment.md").read_text()
    assert {} == _of("Secret")
    assert set() == {name for name in named if f"`{name}`" not in documented}


def test_every_kustomization_names_files_that_exist() -> None:
    """Each resource a kustomization lists is a file or a folder beside it."""
    missing = [
        f"{path.parent.name}/{resource}"
        for path in _MANIFESTS.rglob("kustomization.yaml")
        for resource in yaml.safe_load(path.read_text())["resources"]
        if not (path.parent / resource).exists()
    ]
    assert [] == missing


def test_the_image_is_built_in_stages_and_runs_ossature_as_an_unprivileged_account() -> None:
    """Two stages at least, each base pinned by a version tag; `ossature` the entry point;
    the last USER is a numeric id other than 0."""
    dockerfile = (_ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert len(bases) >= 2
    assert all(re.search(r":\d+\.\d+\.\d+-", base) for base in bases)
    assert 'ENTRYPOINT ["ossature"]' in dockerfile
    assert users[-1].split(":")[0].isdigit() and users[-1].split(":")[0] != "0"

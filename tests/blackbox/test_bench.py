"""`ossature bench` against a running system: the baseline, the scenarios, push under load,
memory and the ratios, real projects, one JSON object."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from tests.blackbox._api import System, TokenFor, call, eventually
from tests.external.environment import external_environment

SCENARIOS = ("baseline", "create-project", "list-projects")
# The bench finds `up`'s process (for its CPU) through its embedded engines' files; an `up`
# on external engines leaves none, and the bench says CPU n/a (not for its own baseline).
LOCAL = not external_environment()
CPU_READ = {name: name == "baseline" or LOCAL for name in SCENARIOS}


def _bench(system: System) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSATURE_")}
    env |= {"OSSATURE_VAR_DIR": str(system.var_dir), "OSSATURE_DEMO_PASSWORD": system.password}
    env |= external_environment()  # the system's external engines, when it has them
    command = [sys.executable, "-m", "ossature", "bench", "--json", "--duration", "2"]
    command += ["--warmup", "0.5", "--concurrency", "4", "--rounds", "2"]  # no --url: found
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert 0 == done.returncode, done.stderr[-2000:]
    report: dict[str, Any] = json.loads(done.stdout)  # the whole of stdout is one object
    return report


@pytest.fixture(scope="module")
def report(system: System) -> dict[str, Any]:
    """One bench run, shared by this module's tests."""
    return _bench(system)


def test_every_scenario_has_figures_and_no_error(report: dict[str, Any]) -> None:
    """Each scenario answered, its p50 is not above its p99, and nothing failed."""
    figures = {name: report[name] for name in SCENARIOS}

    actual = {
        n: (f["rps"] > 0, f["p50_ms"] <= f["p99_ms"], f["errors"]) for n, f in figures.items()
    }

    assert {name: (True, True, 0) for name in SCENARIOS} == actual


def test_the_run_says_its_rounds_and_each_scenario_was_timed_in_them(
    report: dict[str, Any],
) -> None:
    """Two rounds of 1 s each: the run says 2, and every scenario timed answers."""
    actual = (report["run"]["rounds"], all(report[name]["requests"] > 0 for name in SCENARIOS))

    assert (2, True) == actual


def test_the_ratio_and_the_server_cpu_are_read_on_a_local_system(report: dict[str, Any]) -> None:
    """Against an `up` on this machine (and its engines) the CPU per request is read for every
    scenario."""
    cpu = [report[name]["cpu_ms_per_request"] for name in SCENARIOS]

    assert (True, [CPU_READ[name] for name in SCENARIOS]) == (
        report["ratios"]["create-project/bare-insert"] > 0,
        [value is not None and value > 0 for value in cpu],
    )


def test_the_cpu_is_spread_over_every_served_answer_after_a_catch_up(
    report: dict[str, Any],
) -> None:
    """Each scenario served at least the answers it timed, and tells how long its tail took."""
    actual = {
        name: (
            report[name]["served"] >= report[name]["requests"],
            (report[name]["catch_up_s"] is not None) == CPU_READ[name],
            report[name]["catch_up_s"] is None or report[name]["catch_up_s"] >= 0,
        )
        for name in SCENARIOS
    }

    assert {name: (True, True, True) for name in SCENARIOS} == actual


async def test_the_created_projects_are_in_the_run_s_folder(
    report: dict[str, Any], http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """Every create-project the bench timed made a project in the folder of this run."""
    token, folder = await token_for("admin@acme"), report["run"]["folderId"]
    timed = report["create-project"]["requests"]

    listed = await eventually(
        lambda: call(http, "queries/list-projects", {"folderId": folder}, token),
        lambda answer: len(answer.json()["projects"]) >= timed,
    )

    assert (200, True) == (listed.status_code, len(listed.json()["projects"]) >= timed)


async def test_list_projects_reads_its_own_folder_of_twenty(
    report: dict[str, Any], http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """The listed folder holds the bench's twenty projects, whatever earlier runs created."""
    token = await token_for("admin@acme")

    listed = await call(
        http, "queries/list-projects", {"folderId": report["run"]["listFolderId"]}, token
    )

    assert (20, 20) == (report["run"]["listedProjects"], len(listed.json()["projects"]))


def test_bare_insert_is_the_baseline_under_its_older_name(report: dict[str, Any]) -> None:
    """The alias carries the very same figures, and the run says how many processes served."""
    assert (report["baseline"], 1) == (report["bare-insert"], report["run"]["baseline_processes"])


def test_every_ratio_is_the_quotient_of_the_run_s_own_figures(report: dict[str, Any]) -> None:
    """rps and p99 over the baseline's, push's p99 over the baseline's, to the rounding."""
    base, push = report["baseline"], report["push-under-load"]
    expected = {
        "create/baseline rps": report["create-project"]["rps"] / base["rps"],
        "list/baseline rps": report["list-projects"]["rps"] / base["rps"],
        "create/baseline p99": report["create-project"]["p99_ms"] / base["p99_ms"],
        "list/baseline p99": report["list-projects"]["p99_ms"] / base["p99_ms"],
        "push/baseline p99": push["p99_ms"] / base["p99_ms"],
    }

    actual = {name: report["ratios"][name] for name in expected}

    assert pytest.approx(expected, rel=0.02) == actual


def test_push_under_load_timed_renames_and_lost_none(report: dict[str, Any]) -> None:
    """Renames beside the create-project load all reached the MQTT subscriber, each round."""
    push = report["push-under-load"]

    actual = (
        push["renames"] > 0,
        push["lost"],
        push["errors"],
        len(push["p99_ms_by_round"]),
        push["baseline_p99_ms"] == report["baseline"]["p99_ms"],
        push["ratio"] == report["ratios"]["push/baseline p99"],
    )

    assert (True, 0, 0, 2, True, True) == actual


def test_memory_is_read_for_a_local_up(report: dict[str, Any]) -> None:
    """The up's resident memory, idle and after the run, when it runs on this machine."""
    memory = report["memory"]

    read = [memory[key] is not None and memory[key] > 0 for key in ("idle_mb", "after_mb")]

    assert ("up", [LOCAL, LOCAL]) == (memory["process"], read)


def test_the_rebuild_of_a_local_up_is_timed(report: dict[str, Any]) -> None:
    """projects-catalog rebuilt on the var directory's engines: events, seconds and their rate."""
    rebuilt = report["rebuild"]
    if not LOCAL:
        assert rebuilt is None
        return

    actual = (rebuilt["projection"], rebuilt["events"] > 0, rebuilt["events_per_second"])

    expected = rebuilt["events"] / rebuilt["seconds"]
    assert ("projects-catalog", True, pytest.approx(expected, rel=0.01)) == actual

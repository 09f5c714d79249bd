"""A whole bench run: find the system, prepare, then each scenario in turn."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import asyncpg

from ossature.kernel.config import Settings
from ossature.runtime.bench._baseline import BaselineError, bare_server, ensure_table
from ossature.runtime.bench._cpu import CpuMeter
from ossature.runtime.bench._plan import Plan
from ossature.runtime.bench._prepare import Workspace, prepare
from ossature.runtime.bench._run import Load, Tick, run_scenario
from ossature.runtime.bench._statistics import stale_statistics
from ossature.runtime.bench._stats import ScenarioResult
from ossature.runtime.bench._target import Target, demo_password, find_target

__all__ = ["SCENARIOS", "BenchRun", "Options", "run_bench"]

# The order they run in. list-projects runs before create-project: right after thousands of
# inserts, and until autovacuum has analyzed `projects`, its plan is several times costlier.
SCENARIOS = ("bare-insert", "list-projects", "create-project")
_PATHS = {"create-project": "/commands/create-project", "list-projects": "/queries/list-projects"}


@dataclass(frozen=True)
class Options:
    """What to drive, as whom, and how hard."""

    url: str
    load: Load
    tenant: str = "acme"
    email: str = "admin@acme.test"
    password: str | None = None
    database_url: str | None = None


@dataclass
class BenchRun:
    """Every scenario's figures, or why it was skipped, and what the run worked on."""

    options: Options
    target: Target
    workspace: Workspace
    results: dict[str, ScenarioResult] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def run_bench(options: Options, settings: Settings, tick_for: Callable[[str], Tick]) -> BenchRun:
    """Run bare-insert, list-projects and create-project one after the other."""
    target = find_target(options.url, settings, options.database_url)
    password = demo_password(settings, options.password)
    workspace = prepare(options.url, options.tenant, options.email, password)
    run = BenchRun(options, target, workspace)
    _bare_insert(run, tick_for("bare-insert"))
    meters = _meters(target.server_pid, target.postgres_pid)
    for scenario in SCENARIOS[1:]:
        plan = _system_plan(scenario, target, workspace)
        notes = _before(scenario, target)
        result = run_scenario(plan, options.load, meters, tick_for(scenario))
        run.results[scenario] = replace(result, notes=[*notes, *result.notes])
    return run


def _before(scenario: str, target: Target) -> list[str]:
    if scenario != "list-projects" or target.bare_url is None:
        return []
    return asyncio.run(stale_statistics(target.bare_url))


def _bare_insert(run: BenchRun, tick: Tick) -> None:
    target = run.target
    if target.owner_url is None or target.bare_url is None:
        run.skipped["bare-insert"] = "no database to reach: give --database-url"
        return
    try:
        asyncio.run(ensure_table(target.owner_url, target.grantee))
        with bare_server(target.bare_url) as bare:
            plan = Plan(
                "bare-insert",
                bare.host,
                bare.port,
                "/bare-insert",
                run.workspace.token,
                run.workspace.run_folder_id,
                True,
                True,
            )
            meters = _meters(bare.pid, target.postgres_pid)
            run.results["bare-insert"] = run_scenario(plan, run.options.load, meters, tick)
    except (BaselineError, OSError, asyncpg.PostgresError) as error:
        run.skipped["bare-insert"] = f"the bare server could not run: {error}"


def _system_plan(scenario: str, target: Target, workspace: Workspace) -> Plan:
    creates = scenario == "create-project"
    folder = workspace.run_folder_id if creates else workspace.list_folder_id
    return Plan(
        scenario,
        target.host,
        target.port,
        _PATHS[scenario],
        workspace.token,
        folder,
        fresh_key=creates,
        numbered=creates,
    )


def _meters(server_pid: int | None, postgres_pid: int | None) -> dict[str, CpuMeter]:
    meters = {}
    if server_pid is not None:
        meters["server"] = CpuMeter(server_pid)
    if postgres_pid is not None:
        meters["db"] = CpuMeter(postgres_pid, tree=True)
    return meters

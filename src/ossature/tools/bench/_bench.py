"""A whole bench run: find the system, prepare, then each scenario in turn."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import asyncpg

from ossature.kernel.config import Settings
from ossature.tools.bench._baseline import BaselineError, bare_server, ensure_table
from ossature.tools.bench._cpu import CpuMeter
from ossature.tools.bench._plan import Plan
from ossature.tools.bench._prepare import Workspace, prepare
from ossature.tools.bench._run import Load, Tick, run_round
from ossature.tools.bench._statistics import stale_statistics
from ossature.tools.bench._stats import Round, ScenarioResult, combine
from ossature.tools.bench._target import Target, demo_password, find_target

__all__ = ["SCENARIOS", "BenchRun", "Options", "run_bench"]

# The order they run in, in each round. list-projects runs before create-project, so that
# the first round does not read it right after thousands of inserts that autovacuum has not
# analyzed yet.
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
    """Run bare-insert, list-projects and create-project one after the other, as many rounds
    as asked: alternating short windows take the machine's drift out of their comparison."""
    target = find_target(options.url, settings, options.database_url)
    password = demo_password(settings, options.password)
    workspace = prepare(options.url, options.tenant, options.email, password)
    run = BenchRun(options, target, workspace)
    load = options.load
    rounds: dict[str, list[Round]] = {name: [] for name in SCENARIOS}
    notes = _before(target)
    with _bare_plan(run) as bare:
        plans = {**bare, **{name: _system_plan(name, target, workspace) for name in _PATHS}}
        for index in range(load.rounds):
            for scenario in (name for name in SCENARIOS if name in plans):
                plan, meters = plans[scenario]
                tick = _shifted(tick_for(scenario), index * (load.warmup + load.window))
                rounds[scenario].append(run_round(plan, load, meters, tick))
    for scenario, measured in rounds.items():
        if measured:
            result = combine(measured, load.duration, load.warmup)
            extra = notes if scenario == "list-projects" else []
            run.results[scenario] = replace(result, notes=[*extra, *result.notes])
    return run


def _before(target: Target) -> list[str]:
    """What may make list-projects' plan costlier than usual, read before the first round."""
    if target.bare_url is None:
        return []
    return asyncio.run(stale_statistics(target.bare_url))


def _shifted(tick: Tick, offset: float) -> Tick:
    return lambda elapsed, phase: tick(offset + elapsed, phase)


Planned = tuple[Plan, dict[str, CpuMeter]]


@contextlib.contextmanager
def _bare_plan(run: BenchRun) -> Iterator[dict[str, Planned]]:
    """The bare server, running for the whole bench, as a plan; none when it cannot run
    (the reason is in `run.skipped`)."""
    target = run.target
    if target.owner_url is None or target.bare_url is None:
        run.skipped["bare-insert"] = "no database to reach: give --database-url"
        yield {}
        return
    with contextlib.ExitStack() as stack:
        try:
            asyncio.run(ensure_table(target.owner_url, target.grantee))
            bare = stack.enter_context(bare_server(target.bare_url))
        except (BaselineError, OSError, asyncpg.PostgresError) as error:
            run.skipped["bare-insert"] = f"the bare server could not run: {error}"
            yield {}
            return
        workspace = run.workspace
        path, token, folder = "/bare-insert", workspace.token, workspace.run_folder_id
        plan = Plan("bare-insert", bare.host, bare.port, path, token, folder, True, True)
        yield {"bare-insert": (plan, _meters(bare.pid, target.postgres_pid))}


def _system_plan(scenario: str, target: Target, workspace: Workspace) -> Planned:
    creates = scenario == "create-project"
    folder = workspace.run_folder_id if creates else workspace.list_folder_id
    plan = Plan(
        scenario,
        target.host,
        target.port,
        _PATHS[scenario],
        workspace.token,
        folder,
        fresh_key=creates,
        numbered=creates,
    )
    return plan, _meters(target.server_pid, target.postgres_pid)


def _meters(server_pid: int | None, postgres_pid: int | None) -> dict[str, CpuMeter]:
    meters = {}
    if server_pid is not None:
        meters["server"] = CpuMeter(server_pid)
    if postgres_pid is not None:
        meters["db"] = CpuMeter(postgres_pid, tree=True)
    return meters

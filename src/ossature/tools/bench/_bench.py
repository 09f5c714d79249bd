"""A whole bench run: find the system, prepare, each scenario in turn, then the rebuild."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import asyncpg
import httpx

from ossature.kernel.config import Settings
from ossature.tools.bench._baseline import BaselineError, baseline_server, ensure_table
from ossature.tools.bench._baseline_app import PATH
from ossature.tools.bench._cpu import CpuMeter, settle
from ossature.tools.bench._host import Memory, memory, serving_pids
from ossature.tools.bench._plan import Plan
from ossature.tools.bench._prepare import Workspace, prepare
from ossature.tools.bench._push import ProbeRound, PushProbe, prepare_probe
from ossature.tools.bench._ratios import PushFigures, PushRound, push_figures
from ossature.tools.bench._rebuild import Rebuilt, measure_rebuild
from ossature.tools.bench._run import Load, Tick, run_round
from ossature.tools.bench._statistics import stale_statistics
from ossature.tools.bench._stats import Round, ScenarioResult, combine
from ossature.tools.bench._target import Target, demo_password, find_target

__all__ = ["PUSH", "SCENARIOS", "BenchRun", "Options", "run_bench"]

# The order they run in, in each round. list-projects runs before create-project, so that
# the first round does not read it right after thousands of inserts that autovacuum has not
# analyzed yet. push-under-load, create-project's load with a renaming client beside it, last.
PUSH = "push-under-load"
SCENARIOS = ("baseline", "list-projects", "create-project", PUSH)
_PATHS = {
    "create-project": "/commands/create-project",
    "list-projects": "/queries/list-projects",
    PUSH: "/commands/create-project",
}


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
    baseline_processes: int = 1
    push: PushFigures | None = None
    rebuilt: Rebuilt | None = None
    memory_idle: Memory | None = None
    memory_after: Memory | None = None
    notes: list[str] = field(default_factory=list)


def run_bench(options: Options, settings: Settings, tick_for: Callable[[str], Tick]) -> BenchRun:
    """Run the scenarios one after the other, as many rounds as asked (alternating short
    windows take the machine's drift out of their comparison), then time a rebuild."""
    target = find_target(options.url, settings, options.database_url)
    password = demo_password(settings, options.password)
    workspace = prepare(options.url, options.tenant, options.email, password)
    run = BenchRun(options, target, workspace)
    notes = _before(target)
    run.memory_idle = _memory(target)
    rounds, pushes = _measure(run, tick_for)
    run.memory_after = _memory(target)
    load = options.load
    for scenario, measured in rounds.items():
        if measured:
            result = combine(measured, load.duration, load.warmup)
            extra = notes if scenario == "list-projects" else []
            run.results[scenario] = replace(result, notes=[*extra, *result.notes])
    run.push = push_figures(pushes) if pushes else None
    run.rebuilt = _rebuild(run, settings)
    return run


def _measure(
    run: BenchRun, tick_for: Callable[[str], Tick]
) -> tuple[dict[str, list[Round]], list[PushRound]]:
    load = run.options.load
    rounds: dict[str, list[Round]] = {name: [] for name in SCENARIOS}
    pushes: list[PushRound] = []
    probe = _probe(run)
    with _baseline_plan(run) as baseline:
        plans = {**baseline, **{name: _system_plan(name, run) for name in _PATHS}}
        for index in range(load.rounds):
            for scenario in (name for name in SCENARIOS if name in plans):
                plan, meters = plans[scenario]
                tick = _shifted(tick_for(scenario), index * (load.warmup + load.window))
                if scenario == "baseline":
                    _quiet(run)
                if scenario != PUSH:
                    rounds[scenario].append(run_round(plan, load, meters, tick))
                elif probe is not None:
                    measured, pushed = _push_round(run, probe, (plan, meters), tick)
                    rounds[scenario].append(measured)
                    pushes += [pushed] if pushed is not None else []
    return rounds, pushes


def _push_round(
    run: BenchRun, probe: PushProbe, planned: Planned, tick: Tick
) -> tuple[Round, PushRound | None]:
    """create-project's load with the renaming client beside it; a failed client is a warning."""
    prober = ProbeRound(probe)
    plan, meters = planned
    measured = run_round(plan, run.options.load, meters, tick, prober.start)
    pushed = prober.finish()
    if pushed is None:
        run.skipped[PUSH] = f"the renaming client failed: {prober.failure!r}"
    return measured, pushed


def _quiet(run: BenchRun) -> None:
    """Wait for `up` to finish the background work of the round before: the baseline's round
    waits for its own server only, and would otherwise share the cores with that work."""
    if run.target.server_pid is None:
        return
    if settle(CpuMeter(run.target.server_pid, serving=True)) is None:
        note = "baseline: up was still busy (above 5% of a core) when a baseline round started"
        run.notes += [note] if note not in run.notes else []


def _probe(run: BenchRun) -> PushProbe | None:
    """The renaming client of push-under-load; None (and why) when it cannot be made."""
    options, workspace = run.options, run.workspace
    try:
        return prepare_probe(options.url, workspace.token, workspace.run_folder_id)
    except (httpx.HTTPError, KeyError, ValueError) as error:
        run.skipped[PUSH] = f"the renaming client could not be prepared: {error!r}"
        return None


def _memory(target: Target) -> Memory | None:
    if target.server_pid is None:
        return None
    return memory(target.server_pid, target.postgres_pid, target.nats_pids)


def _rebuild(run: BenchRun, settings: Settings) -> Rebuilt | None:
    """projects-catalog rebuilt on the var directory's engines, timed; only for a local system."""
    if run.target.server_pid is None:
        run.skipped["rebuild"] = "the system is not the var directory's up on this machine"
        return None
    try:
        return measure_rebuild(settings)
    except Exception as error:  # the run's other figures stand; the reason is shown
        run.skipped["rebuild"] = f"the rebuild could not be timed: {error!r}"
        return None


def _before(target: Target) -> list[str]:
    """What may make list-projects' plan costlier than usual, read before the first round."""
    if target.baseline_url is None:
        return []
    return asyncio.run(stale_statistics(target.baseline_url))


def _shifted(tick: Tick, offset: float) -> Tick:
    return lambda elapsed, phase: tick(offset + elapsed, phase)


Planned = tuple[Plan, dict[str, CpuMeter]]


@contextlib.contextmanager
def _baseline_plan(run: BenchRun) -> Iterator[dict[str, Planned]]:
    """The baseline server, running for the whole bench, as a plan; none when it cannot run
    (the reason is in `run.skipped`). It gets as many processes as `up` serves with."""
    target = run.target
    if target.owner_url is None or target.baseline_url is None:
        run.skipped["baseline"] = "no database to reach: give --database-url"
        yield {}
        return
    if target.server_pid is not None:
        run.baseline_processes = max(1, len(serving_pids(target.server_pid)))
    with contextlib.ExitStack() as stack:
        try:
            asyncio.run(ensure_table(target.owner_url, target.grantee))
            server = baseline_server(target.baseline_url, run.baseline_processes)
            baseline = stack.enter_context(server)
        except (BaselineError, OSError, asyncpg.PostgresError) as error:
            run.skipped["baseline"] = f"the baseline server could not run: {error}"
            yield {}
            return
        workspace = run.workspace
        token, folder = workspace.token, workspace.run_folder_id
        plan = Plan("baseline", baseline.host, baseline.port, PATH, token, folder, True, True)
        meters = _meters(baseline.pid, target.postgres_pid)
        yield {"baseline": (plan, meters)}


def _system_plan(scenario: str, run: BenchRun) -> Planned:
    target, workspace = run.target, run.workspace
    creates = scenario != "list-projects"
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
        meters["server"] = CpuMeter(server_pid, serving=True)
    if postgres_pid is not None:
        meters["db"] = CpuMeter(postgres_pid, tree=True)
    return meters

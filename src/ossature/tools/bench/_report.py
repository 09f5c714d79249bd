"""A bench run shown as a Rich table, or as one JSON object."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from ossature.tools.bench._bench import PUSH, SCENARIOS, BenchRun
from ossature.tools.bench._host import Memory
from ossature.tools.bench._ratios import PushFigures, aim_lines, ratios
from ossature.tools.bench._stats import (
    SATURATION,
    ScenarioResult,
    ratio,
    round_ratios,
    sustained_ratio,
)

__all__ = ["RATIO", "ROUND_RATIOS", "SUSTAINED_RATIO", "as_json", "print_table", "warnings"]

BASELINE, ALIAS = "baseline", "bare-insert"  # the older name stays for one circle
RATIO = "create-project/bare-insert"
SUSTAINED_RATIO = "create-project/bare-insert, sustained"
ROUND_RATIOS = "create-project/bare-insert, by round"


def _number(value: float | None, digits: int) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def _scenario_json(result: ScenarioResult) -> dict[str, Any]:
    return {
        "rps": _number(result.rps, 1),
        "sustained_rps": _number(result.sustained_rps, 1),
        "p50_ms": _number(result.p50_ms, 2),
        "p99_ms": _number(result.p99_ms, 2),
        "p99_ms_by_round": [_number(value, 2) for value in result.round_p99_ms],
        "errors": result.error_count,
        "error_kinds": result.errors,
        "requests": result.requests,
        "served": result.served,
        "cpu_ms_per_request": _number(result.cpu_ms_per_request, 3),
        "db_cpu_ms_per_request": _number(result.db_cpu_ms_per_request, 3),
        "catch_up_s": _number(result.catch_up_s, 2),
        "generator_cpu": [round(load, 3) for load in result.generator_load],
        "generator_saturated": result.saturated,
    }


def _ratio(run: BenchRun) -> float | None:
    return _number(ratio(run.results.get("create-project"), run.results.get(BASELINE)), 3)


def _round_ratios(run: BenchRun) -> list[float]:
    pair = run.results.get("create-project"), run.results.get(BASELINE)
    return [round(value, 3) for value in round_ratios(*pair)]


def _sustained_ratio(run: BenchRun) -> float | None:
    pair = run.results.get("create-project"), run.results.get(BASELINE)
    return _number(sustained_ratio(*pair), 3)


def _ratios(run: BenchRun) -> dict[str, float | None]:
    return ratios(run.results, run.push)


def _push_json(run: BenchRun) -> dict[str, Any] | None:
    push, base = run.push, run.results.get(BASELINE)
    if push is None:
        return None
    load = run.results.get(PUSH)
    return {
        "renames": push.renames,
        "lost": push.lost,
        "errors": push.errors,
        "p50_ms": _number(push.p50_ms, 2),
        "p99_ms": _number(push.p99_ms, 2),
        "p99_ms_by_round": [_number(value, 2) for value in push.p99_ms_by_round],
        "baseline_p99_ms": None if base is None else _number(base.p99_ms, 2),
        "ratio": _number(_ratios(run)["push/baseline p99"], 3),
        "load": None if load is None else _scenario_json(load),
    }


def _memory_json(run: BenchRun) -> dict[str, Any]:
    idle, after = run.memory_idle, run.memory_after

    def mb(reading: Memory | None, name: str) -> float | None:
        return None if reading is None else _number(getattr(reading, name), 1)

    return {
        "process": "up",
        "idle_mb": mb(idle, "up_mb"),
        "after_mb": mb(after, "up_mb"),
        "postgres_idle_mb": mb(idle, "postgres_mb"),
        "postgres_after_mb": mb(after, "postgres_mb"),
        "nats_idle_mb": mb(idle, "nats_mb"),
        "nats_after_mb": mb(after, "nats_mb"),
    }


def _rebuild_json(run: BenchRun) -> dict[str, Any] | None:
    rebuilt = run.rebuilt
    if rebuilt is None:
        return None
    return {
        "projection": rebuilt.projection,
        "events": rebuilt.events,
        "seconds": _number(rebuilt.seconds, 3),
        "events_per_second": _number(rebuilt.events_per_second, 1),
    }


def as_json(run: BenchRun) -> dict[str, Any]:
    """The run as one JSON-ready object: one key per scenario (the baseline under two names),
    push-under-load, memory, rebuild, then `ratios` and `run`."""
    body: dict[str, Any] = {
        name: _scenario_json(run.results[name])
        for name in SCENARIOS
        if name in run.results and name != PUSH
    }
    if BASELINE in body:
        body[ALIAS] = body[BASELINE]
    body[PUSH] = _push_json(run)
    body["memory"] = _memory_json(run)
    body["rebuild"] = _rebuild_json(run)
    body["ratios"] = {
        **{name: _number(value, 3) for name, value in _ratios(run).items()},
        RATIO: _ratio(run),
        SUSTAINED_RATIO: _sustained_ratio(run),
        ROUND_RATIOS: _round_ratios(run),
    }
    load = run.options.load
    body["run"] = {
        "url": run.options.url,
        "concurrency": load.concurrency,
        "duration": load.duration,
        "warmup": load.warmup,
        "rounds": load.rounds,
        "generators": load.generators,
        "baseline_processes": run.baseline_processes,
        "folderId": run.workspace.run_folder_id,
        "folderName": run.workspace.run_folder_name,
        "listFolderId": run.workspace.list_folder_id,
        "listedProjects": run.workspace.listed,
        "skipped": run.skipped,
        "warnings": warnings(run),
    }
    return body


def warnings(run: BenchRun) -> list[str]:
    """What a reader must not miss: errors, a saturated generator, figures that are missing."""
    found = [*run.target.notes, *run.notes]
    found += [f"{name} skipped: {why}" for name, why in run.skipped.items()]
    found += _push_warnings(run.push)
    for name, result in run.results.items():
        found += [f"{name}: {note}" for note in result.notes]
        if result.errors:
            kinds = ", ".join(f"{kind}: {count}" for kind, count in result.errors.items())
            found.append(f"{name}: {result.error_count} errors ({kinds})")
        if result.saturated:
            loads = ", ".join(f"{load:.0%}" for load in result.generator_load)
            found.append(
                f"{name}: a load generator ran above {SATURATION:.0%} of a core ({loads}):"
                " it may be the bottleneck; add --generators or lower --concurrency"
            )
    return found


def _push_warnings(push: PushFigures | None) -> list[str]:
    found = []
    if push is not None and push.lost:
        found.append(f"{PUSH}: {push.lost} renames never arrived over MQTT within the deadline")
    if push is not None and push.errors:
        found.append(f"{PUSH}: {push.errors} renames were not answered 200")
    if push is not None and push.renames == 0:
        found.append(f"{PUSH}: no rename was timed")
    return found


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"


_COLUMNS = (
    "scenario",
    "req/s",
    "sustained\nreq/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "server\nCPU ms/req,\nbackground\nincluded",
    "PostgreSQL\nCPU ms/req,\nbackground\nincluded",
    "catch-up\ns",
    "generator\nCPU",
)


def _row(name: str, result: ScenarioResult) -> list[str]:
    return [
        name,
        f"{result.rps:.1f}",
        _rate(result.sustained_rps),
        _ms(result.p50_ms),
        _ms(result.p99_ms),
        str(result.error_count),
        _ms(result.cpu_ms_per_request),
        _ms(result.db_cpu_ms_per_request),
        _ms(result.catch_up_s),
        " ".join(f"{load:.0%}" for load in result.generator_load),
    ]


def _table(run: BenchRun) -> Table:
    load = run.options.load
    rounds = f" in {load.rounds} rounds, each" if load.rounds > 1 else ""
    title = (
        f"ossature bench: {run.options.url}, {load.concurrency} clients,"
        f" {load.duration:g} s{rounds} after {load.warmup:g} s of warm-up"
    )
    table = Table(title=title)
    for column in _COLUMNS:
        table.add_column(column, justify="left" if column == "scenario" else "right", no_wrap=True)
    for name in SCENARIOS:
        if name in run.results:
            table.add_row(*_row(name, run.results[name]))
    return table


def print_table(run: BenchRun, console: Console) -> None:
    """The figures as a table, then each aim met or not, memory, and the warnings."""
    console.print(_table(run))
    shown, sustained = _ratio(run), _sustained_ratio(run)
    by_round = _round_ratios(run)
    rounds = f"; by round: {', '.join(f'{r:.3f}' for r in by_round)}" if len(by_round) > 1 else ""
    console.print(
        "create-project req/s ÷ baseline req/s = "
        f"[bold]{'n/a' if shown is None else f'{shown:.3f}'}[/]"
        f" (sustained: {'n/a' if sustained is None else f'{sustained:.3f}'}{rounds})"
    )
    console.print(_push_line(run))
    for line in aim_lines(_ratios(run), run.rebuilt):
        console.print(line)
    console.print(_memory_line(run))
    if len(by_round) > 1:
        console.print(f"p99 ms by round: {_p99s_by_round(run)}")
    for warning in warnings(run):
        console.print(f"[bold yellow]warning:[/] {warning}")


def _push_line(run: BenchRun) -> str:
    push = run.push
    if push is None:
        return f"{PUSH}: n/a"
    rounds = ", ".join(_ms(value) for value in push.p99_ms_by_round)
    return (
        f"{PUSH}: rename answer → MQTT message over {push.renames} renames,"
        f" p50 {_ms(push.p50_ms)} ms, p99 {_ms(push.p99_ms)} ms (by round: {rounds}),"
        f" {push.lost} lost"
    )


def _memory_line(run: BenchRun) -> str:
    shown = _memory_json(run)

    def mb(name: str) -> str:
        value = shown[name]
        return "n/a" if value is None else f"{value:.1f}"

    return (
        f"memory MiB: up RSS idle {mb('idle_mb')}, after {mb('after_mb')};"
        f" PostgreSQL PSS idle {mb('postgres_idle_mb')}, after {mb('postgres_after_mb')};"
        f" NATS PSS idle {mb('nats_idle_mb')}, after {mb('nats_after_mb')}"
    )


def _p99s_by_round(run: BenchRun) -> str:
    """Each scenario's p99 round by round: one slow minute of the machine shows as one
    round's figure, not as the run's."""
    return "; ".join(
        f"{name} {', '.join(_ms(value) for value in run.results[name].round_p99_ms)}"
        for name in SCENARIOS
        if name in run.results
    )

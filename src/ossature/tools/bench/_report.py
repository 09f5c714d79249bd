"""A bench run shown as a Rich table, or as one JSON object."""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from ossature.tools.bench._bench import SCENARIOS, BenchRun
from ossature.tools.bench._stats import (
    SATURATION,
    ScenarioResult,
    ratio,
    round_ratios,
    sustained_ratio,
)

__all__ = ["RATIO", "ROUND_RATIOS", "SUSTAINED_RATIO", "as_json", "print_table", "warnings"]

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
    return _number(ratio(run.results.get("create-project"), run.results.get("bare-insert")), 3)


def _round_ratios(run: BenchRun) -> list[float]:
    pair = run.results.get("create-project"), run.results.get("bare-insert")
    return [round(value, 3) for value in round_ratios(*pair)]


def _sustained_ratio(run: BenchRun) -> float | None:
    pair = run.results.get("create-project"), run.results.get("bare-insert")
    return _number(sustained_ratio(*pair), 3)


def as_json(run: BenchRun) -> dict[str, Any]:
    """The run as one JSON-ready object: one key per scenario, then `ratios` and `run`."""
    body: dict[str, Any] = {
        name: _scenario_json(run.results[name]) for name in SCENARIOS if name in run.results
    }
    body["ratios"] = {
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
    found = list(run.target.notes)
    found += [f"{name} skipped: {why}" for name, why in run.skipped.items()]
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
    """The figures as a table, then the ratio and the warnings."""
    console.print(_table(run))
    shown, sustained = _ratio(run), _sustained_ratio(run)
    by_round = _round_ratios(run)
    rounds = f"; by round: {', '.join(f'{r:.3f}' for r in by_round)}" if len(by_round) > 1 else ""
    console.print(
        "create-project req/s ÷ bare-insert req/s = "
        f"[bold]{'n/a' if shown is None else f'{shown:.3f}'}[/]"
        f" (sustained: {'n/a' if sustained is None else f'{sustained:.3f}'}{rounds})"
    )
    if len(by_round) > 1:
        console.print(f"p99 ms by round: {_p99s_by_round(run)}")
    for warning in warnings(run):
        console.print(f"[bold yellow]warning:[/] {warning}")


def _p99s_by_round(run: BenchRun) -> str:
    """Each scenario's p99 round by round: one slow minute of the machine shows as one
    round's figure, not as the run's."""
    return "; ".join(
        f"{name} {', '.join(_ms(value) for value in run.results[name].round_p99_ms)}"
        for name in SCENARIOS
        if name in run.results
    )

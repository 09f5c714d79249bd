"""The bench's report: the JSON object and the table, from a run's figures."""

import io
from dataclasses import replace

from rich.console import Console

from ossature.tools.bench._bench import BenchRun, Options
from ossature.tools.bench._prepare import Workspace
from ossature.tools.bench._ratios import PushRound, push_figures
from ossature.tools.bench._report import ROUND_RATIOS, SUSTAINED_RATIO, as_json, print_table
from ossature.tools.bench._run import Load
from ossature.tools.bench._stats import ScenarioResult
from ossature.tools.bench._target import Target

URL = "http://127.0.0.1:8000"


def _run(create: ScenarioResult, bare: ScenarioResult) -> BenchRun:
    options = Options(URL, Load(concurrency=4, duration=2.0, warmup=0.5, generators=1))
    workspace = Workspace("tok", "F1", "bench run", "F2", 20)
    results = {"create-project": create, "baseline": bare}
    return BenchRun(options, Target(URL, "127.0.0.1", 8000), workspace, results)


def _create() -> ScenarioResult:
    return ScenarioResult(
        200, 2.0, 4.0, 9.0, {}, [0.5], served=260, cpu_ms_per_request=1.5, catch_up_s=1.254
    )


def _bare() -> ScenarioResult:
    return ScenarioResult(800, 2.0, 1.0, 2.0, {}, [0.5], served=900)


def test_each_scenario_s_json_tells_what_was_served_and_the_catch_up() -> None:
    """served and catch_up_s sit beside the figures the issue requires; no catch-up is null."""
    report = as_json(_run(_create(), _bare()))

    actual = {
        name: (report[name]["served"], report[name]["catch_up_s"], "rps" in report[name])
        for name in ("create-project", "bare-insert")
    }

    assert {"create-project": (260, 1.25, True), "bare-insert": (900, None, True)} == actual


def _cells(table: str, scenario: str) -> list[str]:
    row = next(line for line in table.splitlines() if f"│ {scenario} " in line)
    return [cell.strip() for cell in row.split("│")[1:-1]]


def test_the_table_shows_the_catch_up_and_says_the_cpu_includes_background_work() -> None:
    """The catch-up is a column, n/a when unknown, and both CPU headings name the background."""
    out = io.StringIO()

    print_table(_run(_create(), _bare()), Console(file=out, width=160))

    table = out.getvalue()
    catch_up = (_cells(table, "create-project")[-2], _cells(table, "baseline")[-2])
    assert (("1.25", "n/a"), True, 2) == (
        catch_up,
        "catch-up" in table,
        table.count("background"),
    )


def test_the_sustained_rate_and_ratio_are_reported_beside_the_window_s() -> None:
    """JSON and table both carry the sustained rate; n/a (null) when it cannot be known."""
    create = ScenarioResult(200, 2.0, 4.0, 9.0, {}, [0.5], served=300, catch_up_s=1.5, warmup=0.5)
    bare = ScenarioResult(800, 2.0, 1.0, 2.0, {}, [0.5], served=900, catch_up_s=0.5, warmup=0.5)
    run = _run(create, bare)
    out = io.StringIO()

    report = as_json(run)
    print_table(run, Console(file=out, width=200))

    sustained = (report["create-project"]["sustained_rps"], report["bare-insert"]["sustained_rps"])
    cells = (_cells(out.getvalue(), "create-project")[2], _cells(out.getvalue(), "baseline")[2])
    assert ((75.0, 300.0), ("75.0", "300.0"), 0.25) == (
        sustained,
        cells,
        report["ratios"][SUSTAINED_RATIO],
    )


def test_a_run_in_rounds_says_so_and_gives_the_ratio_and_p99s_of_each_round() -> None:
    """Two rounds: the title says so, the table and the JSON give each round's ratio and
    each scenario's p99 by round, and the JSON's run carries the count."""
    create = replace(_create(), round_rps=[100.0, 120.0], round_p99_ms=[8.5, 9.25])
    bare = replace(_bare(), round_rps=[250.0, 400.0], round_p99_ms=[2.0, 1.5])
    run = _run(create, bare)
    run.options = Options(URL, Load(4, 2.0, 0.5, 1, rounds=2))
    out = io.StringIO()

    print_table(run, Console(file=out, width=200))

    report = as_json(run)
    expected = (True, True, [0.4, 0.3], 2, True, [8.5, 9.25])
    actual = (
        "2 s in 2 rounds, each after 0.5 s of warm-up" in out.getvalue(),
        "by round: 0.400, 0.300" in out.getvalue(),
        report["ratios"][ROUND_RATIOS],
        report["run"]["rounds"],
        "p99 ms by round: baseline 2.00, 1.50; create-project 8.50, 9.25" in out.getvalue(),
        report["create-project"]["p99_ms_by_round"],
    )
    assert expected == actual


def test_the_baseline_is_also_given_as_bare_insert_and_push_has_its_ratio() -> None:
    """One figures object under both names; push's p99 set beside the baseline's, and their
    quotient in `ratios` too."""
    run = _run(_create(), _bare())
    run.push = push_figures([PushRound([0.004, 0.010])])

    report = as_json(run)

    push = report["push-under-load"]
    assert (True, 10.0, 2.0, 5.0, 5.0) == (
        report["baseline"] is report["bare-insert"],
        push["p99_ms"],
        push["baseline_p99_ms"],
        push["ratio"],
        report["ratios"]["push/baseline p99"],
    )


def test_memory_and_rebuild_are_null_without_a_local_server() -> None:
    """A remote system: memory n/a for up, no rebuild, and the table says n/a for both."""
    out = io.StringIO()
    run = _run(_create(), _bare())

    report = as_json(run)
    print_table(run, Console(file=out, width=200))

    assert (None, None, None, True, True) == (
        report["memory"]["idle_mb"],
        report["memory"]["after_mb"],
        report["rebuild"],
        "memory MiB: up RSS idle n/a, after n/a" in out.getvalue(),
        "rebuild events/s = n/a (>= 100,000)" in out.getvalue(),
    )


def test_the_table_says_each_aim_met_or_not() -> None:
    """create-project at 0.25 of the baseline's rate misses its aim, its p99 4.5 times too."""
    out = io.StringIO()

    print_table(_run(_create(), _bare()), Console(file=out, width=200))

    shown = out.getvalue()
    assert (True, True) == (
        "create/baseline rps = 0.250 (>= 0.6) not met" in shown,
        "create/baseline p99 = 4.500 (<= 2) not met" in shown,
    )

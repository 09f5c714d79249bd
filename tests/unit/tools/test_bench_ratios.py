"""The aims of issue 22: ratios to the baseline from the run's own figures, and their verdicts."""

import math

from ossature.tools.bench._ratios import (
    PushRound,
    aim_lines,
    push_figures,
    ratios,
)
from ossature.tools.bench._rebuild import Rebuilt
from ossature.tools.bench._stats import ScenarioResult


def _figures(requests: int, p99_ms: float) -> ScenarioResult:
    return ScenarioResult(requests, 2.0, 1.0, p99_ms, {}, [])


def test_each_ratio_is_the_quotient_of_the_run_s_figures() -> None:
    """rps over the baseline's rps, p99 over the baseline's p99, push p99 over it too."""
    results = {
        "baseline": _figures(1000, 4.0),
        "create-project": _figures(600, 10.0),
        "list-projects": _figures(1200, 5.0),
    }
    push = push_figures([PushRound([0.02, 0.03])])

    found = ratios(results, push)

    assert {
        "create/baseline rps": 0.6,
        "list/baseline rps": 1.2,
        "create/baseline p99": 2.5,
        "list/baseline p99": 1.25,
        "push/baseline p99": 7.5,
    } == found


def test_a_missing_or_empty_side_gives_no_ratio() -> None:
    """Without a baseline, or with a baseline that answered nothing, every ratio is None."""
    empty = ScenarioResult(0, 2.0, math.nan, math.nan, {}, [])
    created = {"create-project": _figures(600, 10.0)}

    found = [ratios(created, None), ratios({**created, "baseline": empty}, None)]

    assert [{None}, {None}] == [set(one.values()) for one in found]


def test_push_figures_pool_the_rounds_and_keep_each_round_s_p99() -> None:
    """Latencies pooled for p50 and p99 (nearest rank), lost and refused renames added up."""
    rounds = [PushRound([0.010, 0.030], lost=1), PushRound([0.020, 0.050], errors=2)]

    pushed = push_figures(rounds)

    assert (4, 1, 2, 20.0, 50.0, [30.0, 50.0]) == (
        pushed.renames,
        pushed.lost,
        pushed.errors,
        round(pushed.p50_ms, 6),
        round(pushed.p99_ms, 6),
        [round(value, 6) for value in pushed.p99_ms_by_round],
    )


def test_each_aim_says_met_or_not_met_and_n_a_when_unknown() -> None:
    """At-least aims are met at their bound, the push aim only strictly under it."""
    found = {
        "create/baseline rps": 0.6,
        "list/baseline rps": 0.45,
        "create/baseline p99": 2.0,
        "list/baseline p99": None,
        "push/baseline p99": 10.0,
    }

    lines = aim_lines(found, None)

    assert [
        "create/baseline rps = 0.600 (>= 0.6) met",
        "list/baseline rps = 0.450 (>= 1) not met",
        "create/baseline p99 = 2.000 (<= 2) met",
        "list/baseline p99 = n/a (<= 1.5)",
        "push/baseline p99 = 10.000 (< 10) not met",
        "rebuild events/s = n/a (>= 100,000)",
    ] == lines


def test_the_rebuild_aim_says_when_too_few_events_were_replayed() -> None:
    """A fast rebuild over fewer than 200,000 events is met, and says the count falls short."""
    rebuilt = Rebuilt("projects-catalog", 50_000, 0.25)

    line = aim_lines({}, rebuilt)[-1]

    assert (
        "rebuild events/s = 200,000 (>= 100,000) met, 50,000 events of projects-catalog"
        " in 0.25 s, fewer than 200,000 events: the aim asks for more"
    ) == line

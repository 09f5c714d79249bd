"""The bench's figures: percentiles, merging the generators' results, saturation, ratios."""

import math
from dataclasses import replace

from ossature.tools.bench._stats import (
    GeneratorResult,
    Round,
    ScenarioResult,
    combine,
    merge,
    percentile,
    ratio,
    round_ratios,
    saturated,
    split,
    sustained_ratio,
    with_cpu,
)


def _result(
    latencies: list[float], errors: dict[str, int] | None = None, served: int | None = None
) -> GeneratorResult:
    served = len(latencies) if served is None else served
    return GeneratorResult(
        latencies, errors or {}, cpu_seconds=0.5, wall_seconds=1.0, served=served
    )


def test_a_percentile_is_a_value_that_was_observed() -> None:
    """Nearest rank: p50 of 1..100 is 50, p99 is 99, p100 the maximum."""
    samples = [float(n) for n in range(1, 101)]

    actual = (percentile(samples, 0.5), percentile(samples, 0.99), percentile(samples, 1.0))

    assert (50.0, 99.0, 100.0) == actual


def test_the_percentiles_of_few_samples_do_not_interpolate() -> None:
    """With two samples p50 is the first and p99 the second."""
    assert (1.0, 3.0) == (percentile([1.0, 3.0], 0.5), percentile([1.0, 3.0], 0.99))


def test_no_sample_has_no_percentile() -> None:
    """An empty window gives NaN, which the report shows as n/a, never as zero."""
    assert math.isnan(percentile([], 0.5))


def test_merging_pools_every_generator_s_samples() -> None:
    """Percentiles are computed over all samples together, not averaged per generator."""
    first, second = _result([0.001] * 98), _result([0.100, 0.100])

    merged = merge([first, second], duration=2.0)

    assert (100, 50.0, 1.0, 100.0) == (merged.requests, merged.rps, merged.p50_ms, merged.p99_ms)


def test_merging_adds_up_errors_by_kind() -> None:
    """Errors of the same kind from several generators are summed and none is dropped."""
    first = _result([0.01], {"status 500": 2, "timeout": 1})
    second = _result([0.01], {"status 500": 3, "ConnectionResetError": 1})

    merged = merge([first, second], duration=1.0)

    expected = {"ConnectionResetError": 1, "status 500": 5, "timeout": 1}
    assert (expected, 7) == (merged.errors, merged.error_count)


def test_each_generator_s_load_is_its_cpu_over_the_window() -> None:
    """A generator that spent 0.95 s of CPU in a 1 s window ran at 95% of a core."""
    busy = GeneratorResult([0.01], {}, cpu_seconds=0.95, wall_seconds=1.0, served=1)
    idle = GeneratorResult([0.01], {}, cpu_seconds=0.10, wall_seconds=1.0, served=1)

    merged = merge([busy, idle], duration=1.0)

    assert ([0.95, 0.1], True) == (merged.generator_load, merged.saturated)


def test_merging_adds_up_the_answers_served_outside_the_window_too() -> None:
    """Served counts every generator's successes, while requests keeps the timed ones."""
    first, second = _result([0.01] * 3, served=5), _result([0.01] * 2, served=4)

    merged = merge([first, second], duration=1.0)

    assert (5, 9) == (merged.requests, merged.served)


def test_the_cpu_per_request_is_spread_over_every_served_answer() -> None:
    """0.5 s of server CPU over 500 served answers is 1 ms each, though only 100 were timed."""
    merged = merge([_result([0.01] * 100, served=500)], duration=1.0)

    charged = with_cpu(merged, {"server": 0.5, "db": 0.25})

    assert (1.0, 0.5) == (charged.cpu_ms_per_request, charged.db_cpu_ms_per_request)


def test_no_cpu_per_request_without_a_meter_or_an_answer() -> None:
    """A meter that did not read, or nothing served, gives n/a rather than zero or a crash."""
    served = with_cpu(merge([_result([0.01], served=1)], duration=1.0), {"db": 0.25})
    empty = with_cpu(merge([_result([], served=0)], duration=1.0), {"server": 0.5})

    assert (None, None) == (served.cpu_ms_per_request, empty.cpu_ms_per_request)


def test_a_generator_is_saturated_above_ninety_percent_of_a_core() -> None:
    """The rule: more than 0.9 of a core is saturated, 0.9 and below is not."""
    assert (False, False, True) == (saturated(0.5), saturated(0.9), saturated(0.91))


def test_clients_are_spread_evenly_over_the_generators() -> None:
    """32 clients over 3 processes: 11, 11, 10; never more processes than clients."""
    assert ([11, 11, 10], [1, 1]) == (split(32, 3), split(2, 5))


def test_the_ratio_compares_requests_per_second() -> None:
    """create-project at 100 req/s against a bare 400 req/s reads 0.25."""
    create = ScenarioResult(200, 2.0, 1.0, 2.0, {}, [])
    bare = ScenarioResult(800, 2.0, 1.0, 2.0, {}, [])

    assert 0.25 == ratio(create, bare)


def test_no_ratio_without_a_baseline() -> None:
    """A skipped or empty bare-insert gives no ratio rather than a division by zero."""
    create = ScenarioResult(200, 2.0, 1.0, 2.0, {}, [])
    empty = ScenarioResult(0, 2.0, math.nan, math.nan, {"timeout": 3}, [])

    assert (None, None) == (ratio(create, None), ratio(create, empty))


def test_the_sustained_rate_spreads_what_was_served_until_the_server_was_idle() -> None:
    """900 answers over 1 s of warm-up, 2 s measured and 3 s of catch-up: 150 a second,
    though 250 a second were timed in the window."""
    result = ScenarioResult(500, 2.0, 1.0, 2.0, {}, [], served=900, catch_up_s=3.0, warmup=1.0)

    assert (250.0, 150.0) == (result.rps, result.sustained_rps)


def test_the_sustained_ratio_needs_both_catch_ups() -> None:
    """75 a second (300 over 4 s) against 400 (1,200 over 3 s); without a server to watch
    there is no catch-up, and so no sustained figure."""
    create = ScenarioResult(200, 2.0, 1.0, 2.0, {}, [], served=300, catch_up_s=1.0, warmup=1.0)
    bare = ScenarioResult(800, 2.0, 1.0, 2.0, {}, [], served=1200, catch_up_s=0.0, warmup=1.0)
    unknown = ScenarioResult(800, 2.0, 1.0, 2.0, {}, [], served=1200)

    assert (0.1875, None) == (
        sustained_ratio(create, bare),
        sustained_ratio(create, unknown),
    )


def _round(
    latencies: list[float],
    served: int,
    spent: dict[str, float],
    catch_up: float | None,
    load: float = 0.5,
) -> Round:
    generator = GeneratorResult(latencies, {}, cpu_seconds=load, wall_seconds=1.0, served=served)
    return Round([generator], spent, catch_up, ["the server was busy"])


def test_rounds_pool_their_samples_and_add_up_their_cpu_and_catch_ups() -> None:
    """Two rounds of 1 s each: the percentiles are those of all samples, the rate is over
    2 s, the CPU of both is spread over every answer served, warm-ups and catch-ups add up,
    the generator's load is its busiest round's, and a note said by each round is said
    once."""
    first = _round([0.001, 0.002], 3, {"server": 0.010, "db": 0.004}, 0.5, load=0.25)
    second = _round([0.003, 0.004], 5, {"server": 0.006, "db": 0.004}, 0.25, load=0.5)

    result = combine([first, second], duration=2.0, warmup=1.0)

    expected = (4, 2.0, 2.0, 4.0, 2.0, 1.0, 0.75, 2.0, [0.5], ["the server was busy"], [2.0, 2.0])
    actual = (
        result.requests,
        result.rps,
        result.p50_ms,
        result.p99_ms,
        result.cpu_ms_per_request,
        result.db_cpu_ms_per_request,
        result.catch_up_s,
        result.warmup,
        result.generator_load,
        result.notes,
        result.round_rps,
    )
    assert expected == actual


def test_each_round_keeps_its_own_p99() -> None:
    """A stall in one round shows in that round's p99 and no other's; the pooled p99 cannot
    say which round it was in."""
    calm = _round([0.010] * 99 + [0.012], 100, {}, 0.5)
    stalled = _round([0.010] * 90 + [0.050] * 10, 100, {}, 0.5)

    result = combine([calm, stalled, calm], duration=3.0, warmup=1.0)

    assert ([10.0, 50.0, 10.0], 50.0) == (result.round_p99_ms, result.p99_ms)


def test_a_round_without_a_catch_up_leaves_the_scenario_without_one() -> None:
    """A catch-up unknown in one round is unknown in all: no sustained rate is made up."""
    rounds = [_round([0.001], 1, {}, 0.5), _round([0.001], 1, {}, None)]

    result = combine(rounds, duration=2.0, warmup=1.0)

    assert (None, None, None) == (
        result.catch_up_s,
        result.sustained_rps,
        result.cpu_ms_per_request,
    )


def test_the_ratio_by_round_pairs_the_rounds_in_order() -> None:
    """Each round's create rate over the same round's bare rate; none without a baseline."""
    create = replace(ScenarioResult(220, 2.0, 1.0, 2.0, {}, []), round_rps=[100.0, 120.0])
    bare = replace(ScenarioResult(600, 2.0, 1.0, 2.0, {}, []), round_rps=[250.0, 400.0])

    assert ([0.4, 0.3], []) == (round_ratios(create, bare), round_ratios(create, None))

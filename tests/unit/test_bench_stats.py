"""The bench's figures: percentiles, merging the generators' results, saturation, ratios."""

import math

from ossature.runtime.bench._stats import (
    GeneratorResult,
    ScenarioResult,
    merge,
    percentile,
    ratio,
    saturated,
    split,
)


def _result(latencies: list[float], errors: dict[str, int] | None = None) -> GeneratorResult:
    return GeneratorResult(latencies, errors or {}, cpu_seconds=0.5, wall_seconds=1.0)


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
    busy = GeneratorResult([0.01], {}, cpu_seconds=0.95, wall_seconds=1.0)
    idle = GeneratorResult([0.01], {}, cpu_seconds=0.10, wall_seconds=1.0)

    merged = merge([busy, idle], duration=1.0)

    assert ([0.95, 0.1], True) == (merged.generator_load, merged.saturated)


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

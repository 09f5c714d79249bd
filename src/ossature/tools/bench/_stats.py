"""The figures of a scenario: merging the generators' samples, percentiles, saturation.

Pure functions only: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

__all__ = [
    "SATURATION",
    "GeneratorResult",
    "Round",
    "ScenarioResult",
    "combine",
    "merge",
    "percentile",
    "ratio",
    "round_ratios",
    "saturated",
    "split",
    "with_cpu",
]

SATURATION = 0.9  # a generator busy above 90% of a core may be what limits the rate


@dataclass(frozen=True)
class GeneratorResult:
    """What one load-generator process saw over the measured window."""

    latencies: Sequence[float]  # seconds, one per successful answer completed in the window
    errors: Mapping[str, int]  # kind ("status 500", "timeout", ...) → count, warm-up included
    cpu_seconds: float  # the process's CPU time over the measured window
    wall_seconds: float  # the measured window as this process timed it
    served: int  # successful answers from the warm-up's start until its clients stopped


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's figures, merged over every generator process."""

    requests: int  # successful answers completed inside the window
    duration: float
    p50_ms: float
    p99_ms: float
    errors: dict[str, int]
    generator_load: list[float]  # each generator's CPU use, as a fraction of one core
    served: int = 0  # successful answers from the warm-up's start until the clients stopped
    cpu_ms_per_request: float | None = None  # per served answer, background work included
    db_cpu_ms_per_request: float | None = None
    catch_up_s: float | None = None  # window end to idle, added up over the rounds
    warmup: float = 0.0
    notes: list[str] = field(default_factory=list)
    round_rps: list[float] = field(default_factory=list)  # each round's rate, in order
    round_p99_ms: list[float] = field(default_factory=list)  # each round's p99, in order

    @property
    def rps(self) -> float:
        return self.requests / self.duration if self.duration > 0 else 0.0

    @property
    def sustained_rps(self) -> float | None:
        """Answers served per second from the warm-up's start until the server was idle
        again: a rate that leaves no background work behind (None without a catch-up)."""
        if self.catch_up_s is None:
            return None
        span = self.warmup + self.duration + self.catch_up_s
        return self.served / span if span > 0 else None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def saturated(self) -> bool:
        return any(saturated(load) for load in self.generator_load)


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted samples: a value that was really observed."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def saturated(load: float, threshold: float = SATURATION) -> bool:
    """True when a generator's CPU use (fraction of one core) says it may be the bottleneck."""
    return load > threshold


def split(total: int, parts: int) -> list[int]:
    """`total` clients spread over `parts` processes as evenly as possible, none empty."""
    parts = max(1, min(parts, total))
    share, extra = divmod(total, parts)
    return [share + (1 if index < extra else 0) for index in range(parts)]


def merge(results: Iterable[GeneratorResult], duration: float) -> ScenarioResult:
    """One scenario's figures from its generators' results, over a window of `duration` s."""
    results = list(results)
    ordered = sorted(latency for result in results for latency in result.latencies)
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result.errors)
    return ScenarioResult(
        requests=len(ordered),
        duration=duration,
        p50_ms=percentile(ordered, 0.50) * 1000,
        p99_ms=percentile(ordered, 0.99) * 1000,
        errors=dict(sorted(errors.items())),
        generator_load=[_load(result) for result in results],
        served=sum(result.served for result in results),
    )


@dataclass(frozen=True)
class Round:
    """One window of a scenario: what its generators saw, the CPU each meter read from its
    warm-up until the server was idle again, and how long that catch-up took."""

    results: Sequence[GeneratorResult]
    spent: Mapping[str, float]  # meter ("server", "db") → CPU seconds
    catch_up_s: float | None
    notes: Sequence[str] = ()


def combine(rounds: Sequence[Round], duration: float, warmup: float) -> ScenarioResult:
    """One scenario's figures from its rounds, whose windows add up to `duration` s and
    each began with `warmup` s: samples pooled, CPU and catch-ups added up, and each
    generator's load that of its busiest round."""
    results = [result for one in rounds for result in one.results]
    meters = set.intersection(*(set(one.spent) for one in rounds)) if rounds else set()
    spent = {name: sum(one.spent[name] for one in rounds) for name in meters}
    catch_ups = [one.catch_up_s for one in rounds]
    per_round = [[_load(result) for result in one.results] for one in rounds]
    busiest = [max(loads) for loads in zip(*per_round, strict=False)]
    return replace(
        with_cpu(merge(results, duration), spent),
        generator_load=busiest,  # each generator's busiest round
        round_rps=[_rate(one, duration / len(rounds)) for one in rounds],
        round_p99_ms=[_p99_ms(one) for one in rounds],
        catch_up_s=None if None in catch_ups else sum(c for c in catch_ups if c is not None),
        warmup=warmup * len(rounds),
        notes=list(dict.fromkeys(note for one in rounds for note in one.notes)),
    )


def _rate(one: Round, window: float) -> float:
    return sum(len(result.latencies) for result in one.results) / window


def _p99_ms(one: Round) -> float:
    """One round's p99: a stall of the machine in one window shows as one round's figure."""
    return percentile(sorted(x for result in one.results for x in result.latencies), 0.99) * 1000


def round_ratios(
    numerator: ScenarioResult | None, denominator: ScenarioResult | None
) -> list[float]:
    """numerator rps / denominator rps, round by round: how far the machine's drift moved it."""
    if numerator is None or denominator is None:
        return []
    pairs = zip(numerator.round_rps, denominator.round_rps, strict=False)
    return [top / bottom for top, bottom in pairs if bottom > 0]


def with_cpu(result: ScenarioResult, spent: Mapping[str, float]) -> ScenarioResult:
    """`result` with each meter's CPU seconds ("server", "db") in ms per served answer."""
    return replace(
        result,
        cpu_ms_per_request=_per_served(spent.get("server"), result.served),
        db_cpu_ms_per_request=_per_served(spent.get("db"), result.served),
    )


def _per_served(seconds: float | None, served: int) -> float | None:
    return None if seconds is None or served == 0 else seconds * 1000 / served


def _load(result: GeneratorResult) -> float:
    return result.cpu_seconds / result.wall_seconds if result.wall_seconds > 0 else 0.0


def ratio(numerator: ScenarioResult | None, denominator: ScenarioResult | None) -> float | None:
    """numerator rps / denominator rps, or None when either is missing or empty."""
    if numerator is None or denominator is None or denominator.rps <= 0:
        return None
    return numerator.rps / denominator.rps


def sustained_ratio(
    numerator: ScenarioResult | None, denominator: ScenarioResult | None
) -> float | None:
    """numerator sustained rps / denominator sustained rps, or None when either is unknown."""
    if numerator is None or denominator is None:
        return None
    top, bottom = numerator.sustained_rps, denominator.sustained_rps
    return None if top is None or not bottom else top / bottom

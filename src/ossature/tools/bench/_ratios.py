"""Issue 22's aims: every figure a ratio to the baseline measured in the same run.

Pure functions only: no clock, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ossature.tools.bench._rebuild import Rebuilt
from ossature.tools.bench._stats import ScenarioResult, percentile

__all__ = [
    "AIMS",
    "REBUILD_AIM",
    "REBUILD_EVENTS",
    "Aim",
    "PushFigures",
    "PushRound",
    "aim_lines",
    "push_figures",
    "ratios",
]

REBUILD_AIM = 100_000.0  # events/s
REBUILD_EVENTS = 200_000  # the fewest events a rebuild must replay for its figure to count


@dataclass(frozen=True)
class Aim:
    """A ratio's name, and the bound it must stay at or under (`most`) or at or over."""

    name: str
    bound: float
    most: bool
    strict: bool = False

    def met(self, value: float) -> bool:
        if self.most:
            return value < self.bound if self.strict else value <= self.bound
        return value >= self.bound

    @property
    def text(self) -> str:
        sign = ("<" if self.strict else "<=") if self.most else ">="
        return f"{sign} {self.bound:g}"


AIMS = (
    Aim("create/baseline rps", 0.6, most=False),
    Aim("list/baseline rps", 1.0, most=False),
    Aim("create/baseline p99", 2.0, most=True),
    Aim("list/baseline p99", 1.5, most=True),
    Aim("push/baseline p99", 10.0, most=True, strict=True),
)


@dataclass(frozen=True)
class PushRound:
    """One window of push under load: each rename's seconds from its answer to its MQTT
    message, the renames whose message never came, and those the server refused."""

    latencies: Sequence[float]
    lost: int = 0
    errors: int = 0


@dataclass(frozen=True)
class PushFigures:
    """Push under load over every round."""

    renames: int  # answered renames whose message arrived
    lost: int
    errors: int
    p50_ms: float
    p99_ms: float
    p99_ms_by_round: list[float]


def push_figures(rounds: Sequence[PushRound]) -> PushFigures:
    """The rounds' latencies pooled (nearest-rank percentiles), each round's p99 too."""
    pooled = sorted(latency for one in rounds for latency in one.latencies)
    return PushFigures(
        renames=len(pooled),
        lost=sum(one.lost for one in rounds),
        errors=sum(one.errors for one in rounds),
        p50_ms=percentile(pooled, 0.50) * 1000,
        p99_ms=percentile(pooled, 0.99) * 1000,
        p99_ms_by_round=[percentile(sorted(one.latencies), 0.99) * 1000 for one in rounds],
    )


def _quotient(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or math.isnan(top) or math.isnan(bottom) or bottom <= 0:
        return None
    return top / bottom


def ratios(
    results: Mapping[str, ScenarioResult], push: PushFigures | None
) -> dict[str, float | None]:
    """Each aim's ratio, from the run's own figures; None where a side is missing."""
    base = results.get("baseline")
    create, listed = results.get("create-project"), results.get("list-projects")

    def rps(result: ScenarioResult | None) -> float | None:
        return None if result is None else result.rps

    def p99(result: ScenarioResult | None) -> float | None:
        return None if result is None else result.p99_ms

    return {
        "create/baseline rps": _quotient(rps(create), rps(base)),
        "list/baseline rps": _quotient(rps(listed), rps(base)),
        "create/baseline p99": _quotient(p99(create), p99(base)),
        "list/baseline p99": _quotient(p99(listed), p99(base)),
        "push/baseline p99": _quotient(None if push is None else push.p99_ms, p99(base)),
    }


def aim_lines(found: Mapping[str, float | None], rebuilt: Rebuilt | None) -> list[str]:
    """One line per aim: "name = value (aim) met", "not met", or "n/a"."""
    lines = [_aim_line(aim, found.get(aim.name)) for aim in AIMS]
    if rebuilt is None:
        return [*lines, f"rebuild events/s = n/a (>= {REBUILD_AIM:,.0f})"]
    verdict = "met" if rebuilt.events_per_second >= REBUILD_AIM else "not met"
    few = rebuilt.events < REBUILD_EVENTS
    short = f", fewer than {REBUILD_EVENTS:,} events: the aim asks for more" if few else ""
    return [
        *lines,
        f"rebuild events/s = {rebuilt.events_per_second:,.0f} (>= {REBUILD_AIM:,.0f}) {verdict},"
        f" {rebuilt.events:,} events of {rebuilt.projection} in {rebuilt.seconds:.2f} s{short}",
    ]


def _aim_line(aim: Aim, value: float | None) -> str:
    if value is None:
        return f"{aim.name} = n/a ({aim.text})"
    return f"{aim.name} = {value:.3f} ({aim.text}) {'met' if aim.met(value) else 'not met'}"

"""What both sides of benchmarks/eventsourcing_appends.py share: the window clients append
in, what a run measured, and the CPU of the PostgreSQL server both write to.

Not a benchmark itself: `eventsourcing_appends.py`, `_es_library.py` and `_es_ossature.py`
import it.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import psutil


@dataclass
class Tally:
    """One client's appends: the latencies of those begun in the window, and how many it
    made in all (warm-up included). Each client has its own: threads share nothing."""

    latencies: list[float] = field(default_factory=list)
    sent: int = 0


@dataclass
class Window:
    """`warmup` seconds of appends, then `seconds` counted: the clock every client reads."""

    warmup: float
    seconds: float
    start: float = 0.0
    end: float = 0.0

    def open(self) -> None:
        self.start = time.monotonic() + self.warmup
        self.end = self.start + self.seconds

    def done(self, tally: Tally, began: float) -> bool:
        """Counts an append begun at `began` (its latency if it began in the window), and
        says whether the client goes on: until the window has closed, and every client
        makes at least one append however slow the host."""
        now = time.monotonic()
        tally.sent += 1
        if self.start <= began < self.end:
            tally.latencies.append(now - began)
        return now < self.end


@dataclass(frozen=True)
class Run:
    """One side's round: appends in the window, their latencies, and the CPU spent on all
    of them (warm-up included) by the client process and by PostgreSQL."""

    side: str
    seconds: float
    latencies: list[float]
    sent: int
    client_cpu: float
    postgres_cpu: float

    @classmethod
    def of(cls, side: str, window: Window, tallies: list[Tally], cpu: tuple[float, float]) -> Run:
        latencies = [latency for tally in tallies for latency in tally.latencies]
        return cls(side, window.seconds, latencies, sum(t.sent for t in tallies), *cpu)

    @property
    def events_per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: int) -> float | None:
        """The q-th percentile of the latencies, in ms (None when no append was counted)."""
        if len(self.latencies) < 2:
            return 1000 * self.latencies[0] if self.latencies else None
        return 1000 * statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1]

    @property
    def client_ms(self) -> float:
        return 1000 * self.client_cpu / self.sent

    @property
    def postgres_ms(self) -> float:
        return 1000 * self.postgres_cpu / self.sent


class Postgres:
    """The CPU seconds spent by every process of one PostgreSQL server (its postmaster's
    children: backends, WAL writer, checkpointer), read from the kernel."""

    def __init__(self, postmaster: psutil.Process) -> None:
        self.postmaster = postmaster
        self._before: dict[int, float] = {}

    def begin(self) -> None:
        self._before = self._now()

    def spent(self) -> float:
        """CPU seconds since `begin` (a backend that ended meanwhile is not counted)."""
        return sum(cpu - self._before.get(pid, 0.0) for pid, cpu in self._now().items())

    def _now(self) -> dict[int, float]:
        found = {}
        for process in self.postmaster.children():
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            found[process.pid] = times.user + times.system
        return found

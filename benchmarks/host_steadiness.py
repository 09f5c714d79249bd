"""How steadily this machine runs plain Python: the same unit of work timed over and over.

Run it with the system idle. One process per core (`--processes`, default 2) each repeats a
fixed loop of additions for `--seconds`, and times each repetition twice: on the wall clock,
and in the CPU time the kernel charged to the thread. If both spread the same way, the
cores themselves ran faster and slower (a shared host's other tenants, its clock speed), and
every figure of `ossature bench` taken at that time moves with them; if only the wall clock
spreads, something else took the cores away.

Run: .venv/bin/python benchmarks/host_steadiness.py
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

from ossature.tools.bench._stats import percentile

_UNIT = 100_000  # additions per repetition: about 7 ms here


def _repeat(seconds: float) -> list[tuple[float, float]]:
    """(wall ms, CPU ms) of each repetition."""
    timings = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        wall, cpu = time.perf_counter(), time.thread_time()
        total = 0
        for number in range(_UNIT):
            total += number
        timings.append((1000 * (time.perf_counter() - wall), 1000 * (time.thread_time() - cpu)))
    return timings


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    p5, p50, p95 = (percentile(ordered, q) for q in (0.05, 0.5, 0.95))
    return f"p5 {p5:.2f}, p50 {p50:.2f}, p95 {p95:.2f} ms (p95 / p5 = {p95 / p5:.2f})"


def main(processes: int, seconds: float) -> None:
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        runs = pool.map(_repeat, [seconds] * processes)
    for number, timings in enumerate(runs, 1):
        print(f"process {number}, {len(timings)} repetitions of {_UNIT:,} additions:")
        print(f"  wall clock: {_spread([wall for wall, _ in timings])}")
        print(f"  CPU time:   {_spread([cpu for _, cpu in timings])}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    main(args.processes, args.seconds)

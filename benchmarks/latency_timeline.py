"""Where a scenario's slow answers fall in time: spread evenly, or together in stalls.

Under a closed loop of 32 clients, p99 far above p50 has two possible shapes. If the slow
answers are spread over the run, some requests wait longer than others (an unfair queue, a
pool's waiters overtaken). If they come together, the whole process stalled for a while
(the machine slowed down, a long pause in the event loop) and every request in flight paid
for it. This drives `--scenario` with `--clients` keep-alive clients for `--seconds` after a
second of warm-up (from this process, which is not measured) and prints:

- the rate, p50, p90, p99;
- p99 ÷ p50 over the run, and within 100 ms slices (each answer's latency divided by its
  slice's median): the spread the machine's drift does not explain;
- the rate of the 100 ms slices, 10th to 90th percentile: how much the machine drifted;
- the gaps of 6 ms or more in which no answer came (at 2,000 answers a second one comes
  every half millisecond), and how many of the answers over p99 came within 5 ms of three
  other such answers.

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/latency_timeline.py --url http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import statistics

from _scenario import PATHS, drive, plan_for

from ossature.kernel.config import Settings
from ossature.runtime.serving import run
from ossature.tools.bench._stats import percentile

_SLICE = 0.1  # seconds
_GAP = 0.006  # seconds without an answer that count as a stall
_NEAR = 0.005  # seconds: slow answers this close to each other are together


def report(answers: list[tuple[float, float]], seconds: float) -> list[str]:
    """The figures described above, as lines."""
    latencies = sorted(done - began for began, done in answers)
    p50, p90, p99 = (percentile(latencies, q) for q in (0.5, 0.9, 0.99))
    slices: dict[int, list[float]] = {}
    for began, done in answers:
        slices.setdefault(int(done / _SLICE), []).append(done - began)
    relative: list[float] = []
    for members in slices.values():
        median = statistics.median(members)
        relative += (latency / median for latency in members)
    relative.sort()
    rates = sorted(len(members) / _SLICE for members in slices.values())
    answered = sorted(done for _, done in answers)
    gaps = sorted((b - a for a, b in itertools.pairwise(answered) if b - a >= _GAP), reverse=True)
    slow = sorted(done for began, done in answers if done - began >= p99)
    together = sum(
        bisect.bisect(slow, t + _NEAR) - bisect.bisect_left(slow, t - _NEAR) >= 4 for t in slow
    )
    return [
        f"{len(answers) / seconds:.0f} answers/s, p50 {1000 * p50:.1f} ms,"
        f" p90 {1000 * p90:.1f} ms, p99 {1000 * p99:.1f} ms",
        f"p99 / p50: {p99 / p50:.2f} over the run, {percentile(relative, 0.99):.2f} within"
        f" {1000 * _SLICE:.0f} ms slices",
        f"rate of the {1000 * _SLICE:.0f} ms slices, p10 to p90: {percentile(rates, 0.1):.0f}"
        f" to {percentile(rates, 0.9):.0f} answers/s",
        f"gaps of {1000 * _GAP:.0f} ms or more with no answer: {len(gaps)}, longest"
        f" {', '.join(f'{1000 * g:.0f}' for g in gaps[:5]) or '-'} ms",
        f"answers over p99: {len(slow)}, {together} of them within {1000 * _NEAR:.0f} ms"
        " of three others",
    ]


def main(url: str, scenario: str, clients: int, seconds: float) -> None:
    settings = Settings.from_env()
    plan = plan_for(url, scenario, settings)
    answers = run(drive(plan, clients, seconds)).answers
    print(f"{scenario}, {clients} clients, {seconds:.0f} s:")
    for line in report(answers, seconds):
        print(f"  {line}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--scenario", choices=sorted(PATHS), default="list-projects")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    main(args.url, args.scenario, args.clients, args.seconds)

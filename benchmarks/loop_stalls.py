"""What holds `ossature up`'s event loop: every callback the loop runs, timed, summed by
what it ran, and the long ones (at least `--threshold` ms) counted apart.

One process runs the gateway, the relay, the runners and the notifier on one event loop, so
a callback that runs for 20 ms delays every answer due meanwhile: the tail of a scenario's
latency. This runs `ossature up` in this process on asyncio's own loop, whose callbacks are
Python's `Handle._run` (uvloop runs them in C, where they cannot be timed one by one; the
loop's own cost differs, what each callback does does not). A callback that steps a task is
named by the task's outermost coroutine (`Notifier.run`, a request's `run_asgi`, ...); the
innermost frame it stopped at is kept for the long ones.

Run, with the var directory and port of your choice:
  OSSATURE_VAR_DIR=/tmp/ls OSSATURE_PORT=8400 .venv/bin/python benchmarks/loop_stalls.py &
then, once it is ready, `kill -USR1` it (the count starts again from there), drive a load
against it (benchmarks/process_cpu.py --url http://127.0.0.1:8400 --scenario create-project
--seconds 10) and stop it with SIGTERM: the table is printed on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import gc
import signal
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from ossature.runtime import serving

_spent: Counter[str] = Counter()
_calls: Counter[str] = Counter()
_long: dict[str, list[float]] = defaultdict(list)
_where: Counter[tuple[str, str]] = Counter()
_collections: dict[int, list[float]] = defaultdict(list)  # pauses by generation


def _name(handle: asyncio.Handle) -> str:
    callback = handle._callback  # type: ignore[attr-defined]
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        return getattr(coro, "__qualname__", repr(coro))
    return getattr(callback, "__qualname__", repr(callback))


def _suspended_at(handle: asyncio.Handle) -> str:
    """The innermost of the task's coroutines where it now waits (or `done`)."""
    owner = getattr(handle._callback, "__self__", None)  # type: ignore[attr-defined]
    if not isinstance(owner, asyncio.Task) or owner.done():
        return "done"
    coro: Any = owner.get_coro()
    while getattr(coro, "cr_await", None) is not None and hasattr(coro.cr_await, "cr_frame"):
        coro = coro.cr_await
    frame = getattr(coro, "cr_frame", None)
    if frame is None:
        return "?"
    return f"{frame.f_code.co_qualname}:{frame.f_lineno}"


def _timing(threshold: float, since: list[float]) -> None:
    run = asyncio.events.Handle._run

    def timed(self: asyncio.Handle) -> None:
        began = time.perf_counter()
        run(self)
        took = time.perf_counter() - began
        name = _name(self)
        _spent[name] += took
        _calls[name] += 1
        if took >= threshold:
            _long[name].append(took)
            _where[(name, _suspended_at(self))] += 1

    asyncio.events.Handle._run = timed  # type: ignore[method-assign]


def _collecting() -> None:
    """Time each collection of the cyclic garbage collector, by generation."""
    began = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            _collections[info["generation"]].append(time.perf_counter() - began[0])

    gc.callbacks.append(timed)


def _report(since: list[float], threshold: float) -> None:
    window = time.perf_counter() - since[0]
    busy = sum(_spent.values()) or 1e-9  # none timed on uvloop
    print(f"\n{window:.1f} s counted: the loop's callbacks ran {busy:.1f} s ({busy / window:.0%})")
    print(
        f"{'callback':58s} {'calls':>8s} {'ms':>9s} {'share':>6s}  long (>= {threshold * 1e3:g} ms)"
    )
    for name, spent in _spent.most_common(15):
        long = sorted(_long.get(name, []), reverse=True)
        worst = ", ".join(f"{x * 1e3:.0f}" for x in long[:5])
        print(
            f"{name[:58]:58s} {_calls[name]:8d} {spent * 1e3:9.0f} {spent / busy:6.1%}"
            f"  {len(long):5d}  {worst}"
        )
    for generation, pauses in sorted(_collections.items()):
        worst = ", ".join(f"{x * 1e3:.1f}" for x in sorted(pauses, reverse=True)[:5])
        print(
            f"collections of generation {generation}: {len(pauses)},"
            f" {sum(pauses) * 1e3:.0f} ms in all, the longest {worst} ms"
        )
    print("\nthe long callbacks by where their task waited next:")
    for (name, where), count in _where.most_common(15):
        print(f"  {count:5d}  {name[:40]:40s}  {where}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=5.0, help="a long callback, in ms")
    parser.add_argument(
        "--uvloop", action="store_true", help="keep uvloop: time the collections only"
    )
    args = parser.parse_args()
    threshold = args.threshold / 1e3
    since = [time.perf_counter()]

    def again(signum: int, frame: Any) -> None:
        for counted in (_spent, _calls, _long, _where, _collections):
            counted.clear()
        since[0] = time.perf_counter()

    signal.signal(signal.SIGUSR1, again)
    _collecting()
    if not args.uvloop:
        _timing(threshold, since)
        serving.run = asyncio.run  # type: ignore[assignment]
    atexit.register(_report, since, threshold)
    from ossature.cli import main as cli

    sys.argv = ["ossature", "up"]
    cli()


if __name__ == "__main__":
    main()

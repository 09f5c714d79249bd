"""What an invocation's log line costs the process: the logger bound to its context, and the
line the pipeline writes when it answers, rendered to a stream that discards it.

Each way is timed in this process's CPU time (`time.thread_time`), the ways alternated, and
the median of the rounds printed, so that a host running faster or slower moves all of them.
"on" is the line at the default level; "dropped" the same call under OSSATURE_LOG_LEVEL=warning
(the level filter drops it, the bind is still paid).

Run: .venv/bin/python benchmarks/log_line.py
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable

from ossature.kernel.context import Actor
from ossature.kernel.logging import configure_logging, for_context
from ossature.runtime.contexts import internal_context


class _Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


_ACTOR = Actor(
    account_id="01JZ0000000000000000000001",
    kind="user",
    tenant_id="01JZ0000000000000000000002",
    mechanism="session",
    credential_id="01JZ0000000000000000000003",
)
_CTX = internal_context(_ACTOR)


def _bind() -> None:
    for_context(_CTX)


def _line() -> None:
    for_context(_CTX).info(
        "invocation",
        kind="query",
        name="list-projects",
        status=200,
        outcome="allowed",
        message_key=None,
        duration_ms=1.23,
        repeat_of=None,
    )


def _timed(way: Callable[[], None], level: str, calls: int) -> float:
    configure_logging("json", level, _Discard())
    started = time.thread_time()
    for _ in range(calls):
        way()
    return (time.thread_time() - started) / calls * 1e6


def main(rounds: int, calls: int) -> None:
    ways = {
        "bind only": (_bind, "info"),
        "bind and line, on": (_line, "info"),
        "bind and line, dropped": (_line, "warning"),
    }
    spent: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, (way, level) in ways.items():
            spent[name].append(_timed(way, level, calls))
    print(f"{calls} calls a way, {rounds} rounds alternated; medians, us of CPU per call")
    for name, values in spent.items():
        print(f"{name:24s} {sorted(values)[len(values) // 2]:6.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    main(args.rounds, args.calls)

"""The load generator: one process driving N keep-alive clients, each sending back to back.

The parent starts each generator, which opens its connections and says "ready"; the parent
then sends one start instant (CLOCK_MONOTONIC, shared by every process of the machine), so
that all generators warm up and measure over the same window. Successful answers completing
inside the window are timed; every successful answer, from the start of the warm-up until the
clients stop (those in flight at the window's end included), is counted as served: the server's
CPU is spread over those. Errors are counted by kind from the start of the warm-up to the end
of the window. The process's CPU time over the window tells whether it was saturated.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection

from ossature.tools.bench._http import HttpConnection, ProtocolError
from ossature.tools.bench._plan import Plan
from ossature.tools.bench._stats import GeneratorResult

__all__ = ["LoadSpec", "Recorder", "Window", "error_kind", "generate"]

_TRANSPORT_ERRORS = (
    OSError,
    TimeoutError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
    ProtocolError,
)
_BACKOFF = 0.05  # after a transport error, so that a refused connection does not spin


@dataclass(frozen=True)
class LoadSpec:
    """One generator's share of a scenario."""

    plan: Plan
    index: int
    clients: int
    warmup: float
    duration: float
    timeout: float = 10.0


@dataclass(frozen=True)
class Window:
    """The warm-up start and the measured window, in time.monotonic() seconds."""

    begin: float
    start: float
    end: float

    @classmethod
    def of(cls, begin: float, warmup: float, duration: float) -> Window:
        return cls(begin, begin + warmup, begin + warmup + duration)


def error_kind(status: int | None, exc: BaseException | None = None) -> str:
    """How an error is counted: by status, or by the transport failure's type."""
    if exc is None:
        return f"status {status}"
    if isinstance(exc, TimeoutError):
        return "timeout"
    return type(exc).__name__


class Recorder:
    """Latencies of the successes in the window, errors up to its end, and every success served."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.served = 0

    def answer(self, status: int, began: float, done: float) -> None:
        succeeded = 200 <= status < 300
        if succeeded:
            self.served += 1
        if done >= self.window.end:
            return
        if not succeeded:
            self.errors[error_kind(status)] += 1
        elif done >= self.window.start:
            self.latencies.append(done - began)

    def failure(self, exc: BaseException, done: float) -> None:
        if done < self.window.end:
            self.errors[error_kind(None, exc)] += 1


def generate(spec: LoadSpec, pipe: Connection) -> None:
    """A generator process's entry point: run the share, send back a GeneratorResult."""
    try:
        pipe.send(asyncio.run(_generate(spec, pipe)))
    except Exception as exc:
        pipe.send(exc)
    finally:
        pipe.close()


async def _generate(spec: LoadSpec, pipe: Connection) -> GeneratorResult:
    connections = [HttpConnection(spec.plan.host, spec.plan.port) for _ in range(spec.clients)]
    await asyncio.gather(*(connection.open() for connection in connections))
    pipe.send("ready")
    begin = await asyncio.to_thread(pipe.recv)
    window = Window.of(begin, spec.warmup, spec.duration)
    recorder, requests = Recorder(window), spec.plan.requests(spec.index)
    cpu = asyncio.create_task(_cpu_over(window))
    await _sleep_until(window.begin)
    clients = (_client(c, requests, recorder, spec.timeout) for c in connections)
    await asyncio.gather(*clients)
    cpu_seconds, wall_seconds = await cpu
    for connection in connections:
        await connection.close()
    return GeneratorResult(
        recorder.latencies, dict(recorder.errors), cpu_seconds, wall_seconds, recorder.served
    )


async def _client(
    connection: HttpConnection, requests: Iterator[bytes], recorder: Recorder, limit: float
) -> None:
    while (began := time.monotonic()) < recorder.window.end:
        try:
            async with asyncio.timeout(limit):
                status, _ = await connection.send(next(requests))
        except _TRANSPORT_ERRORS as exc:
            recorder.failure(exc, time.monotonic())
            await asyncio.sleep(_BACKOFF)
        else:
            recorder.answer(status, began, time.monotonic())


async def _cpu_over(window: Window) -> tuple[float, float]:
    await _sleep_until(window.start)
    cpu, wall = time.process_time(), time.monotonic()
    await _sleep_until(window.end)
    return time.process_time() - cpu, time.monotonic() - wall


async def _sleep_until(instant: float) -> None:
    await asyncio.sleep(max(0.0, instant - time.monotonic()))

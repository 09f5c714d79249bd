"""One round of a scenario: generator processes started, one shared window, CPU read until
the server is idle again."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from ossature.tools.bench._cpu import CpuMeter, Reading, settle
from ossature.tools.bench._load import LoadSpec, Window, generate
from ossature.tools.bench._plan import Plan
from ossature.tools.bench._stats import GeneratorResult, Round, split

__all__ = ["Alongside", "BenchError", "Load", "run_round"]

_START_MARGIN = 0.05  # from the start signal to the warm-up, for every generator to receive it
_READY_WITHIN = 60.0
_BUSY = "the server was still busy (above 5% of a core) when this scenario started"
Tick = Callable[[float, str], None]  # (seconds since the warm-up began, phase)
Alongside = Callable[[Window], None]  # told the round's window as soon as it is set


class BenchError(RuntimeError):
    """A generator failed: the scenario has no figures."""


@dataclass(frozen=True)
class Load:
    """How hard and how long every scenario drives its server: `duration` measured seconds
    in all, split over `rounds` windows, each after `warmup` seconds."""

    concurrency: int
    duration: float
    warmup: float
    generators: int
    timeout: float = 10.0
    rounds: int = 1

    @property
    def window(self) -> float:
        """The measured seconds of one round."""
        return self.duration / self.rounds


def run_round(
    plan: Plan,
    load: Load,
    meters: Mapping[str, CpuMeter],
    tick: Tick,
    alongside: Alongside | None = None,
) -> Round:
    """Drive `plan` for one round of `load`: what the generators saw, and the CPU each meter
    read from the warm-up's start until the server was idle again after the window (the
    background work the requests caused, relay, projections, notifier, is counted too).
    `alongside` is told the window, to work over it next to the load."""
    server = meters.get("server")
    idle = server is None or settle(server) is not None
    context = multiprocessing.get_context("spawn")
    shares = split(load.concurrency, load.generators)
    started = [
        _start(context, LoadSpec(plan, i, n, load.warmup, load.window, load.timeout))
        for i, n in enumerate(shares)
    ]
    try:
        pipes = [pipe for _, pipe in started]
        results, window, before = _drive(pipes, load, meters, tick, alongside)
    finally:
        for process, pipe in started:
            _finish(process, pipe)
    catch_up, late = _catch_up(server, window, tick)
    spent = {name: CpuMeter.spent(before[name], meter.read()) for name, meter in meters.items()}
    return Round(results, spent, catch_up, ([] if idle else [_BUSY]) + late)


def _start(
    context: multiprocessing.context.SpawnContext, spec: LoadSpec
) -> tuple[BaseProcess, Connection]:
    parent, child = context.Pipe()
    process = context.Process(target=generate, args=(spec, child), daemon=True)
    process.start()
    child.close()
    return process, parent


def _drive(
    pipes: list[Connection],
    load: Load,
    meters: Mapping[str, CpuMeter],
    tick: Tick,
    alongside: Alongside | None,
) -> tuple[list[GeneratorResult], Window, dict[str, Reading]]:
    for pipe in pipes:
        _receive(pipe, _READY_WITHIN)  # "ready": its connections are open
    # The server stays idle until the start signal: reading it now counts from window.begin.
    before = {name: meter.read() for name, meter in meters.items()}
    begin = time.monotonic() + _START_MARGIN
    for pipe in pipes:
        pipe.send(begin)
    window = Window.of(begin, load.warmup, load.window)
    if alongside is not None:
        alongside(window)
    _wait(window.end, window, tick)
    # Each generator answers once its clients have stopped, those in flight at the end included.
    results = [_receive(pipe, load.timeout + 30) for pipe in pipes]
    return [r for r in results if isinstance(r, GeneratorResult)], window, before


def _catch_up(
    server: CpuMeter | None, window: Window, tick: Tick
) -> tuple[float | None, list[str]]:
    """Seconds from the window's end until the server was idle, and a note if it never was."""
    if server is None:
        return None, []
    tick(window.end - window.begin, "catching up")
    idle_at = settle(server)
    if idle_at is not None:
        return idle_at - window.end, []
    late = time.monotonic() - window.end
    return late, [
        f"the server was still busy {late:.0f} s after the window:"
        " its background work is not all counted, so the CPU figures undercount"
    ]


def _wait(instant: float, window: Window, tick: Tick) -> None:
    while (left := instant - time.monotonic()) > 0:
        time.sleep(min(left, 0.1))
        now = time.monotonic()
        tick(now - window.begin, "warm-up" if now < window.start else "measuring")


def _receive(pipe: Connection, within: float) -> object:
    if not pipe.poll(within):
        raise BenchError(f"a load generator did not answer within {within:.0f} s")
    try:
        message = pipe.recv()
    except EOFError:
        raise BenchError("a load generator exited without a result") from None
    if isinstance(message, BaseException):
        raise BenchError(f"a load generator failed: {message!r}") from message
    return message


def _finish(process: BaseProcess, pipe: Connection) -> None:
    process.join(timeout=5)
    if process.is_alive():
        process.terminate()
        process.join()
    pipe.close()

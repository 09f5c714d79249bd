"""CPU time of the server's processes, read with psutil while a scenario runs."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil

from ossature.tools.bench._host import is_serving

__all__ = ["CpuMeter", "Reading", "settle"]

_Key = tuple[int, float]  # pid and start time: a reused pid is another process
Reading = dict[_Key, float]  # every process's CPU seconds so far


@dataclass(frozen=True)
class CpuMeter:
    """CPU seconds spent by a process (with its children when `tree`, with its serving children
    when `serving`) between two readings.

    For a tree (PostgreSQL's postmaster and its backends) each process is read on its own, so a
    backend started during the window counts from its start and one that ended is left out.
    A server's serving children are its Python processes (see `_host.is_serving`), not the
    engines `up` runs as its children.
    """

    pid: int
    tree: bool = False
    serving: bool = False

    def read(self) -> Reading:
        """Every process's CPU seconds so far."""
        try:
            root = psutil.Process(self.pid)
            children = root.children(recursive=True) if self.tree or self.serving else []
        except psutil.Error:
            return {}
        if not self.tree:
            children = [child for child in children if is_serving(_cmdline(child))]
        processes = [root, *children]
        return dict(filter(None, (_cpu_of(process) for process in processes)))

    @staticmethod
    def spent(before: Reading, after: Reading) -> float:
        """CPU seconds spent between two readings."""
        return sum(seconds - before.get(key, 0.0) for key, seconds in after.items())


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return list(process.cmdline())
    except psutil.Error:
        return []


def _cpu_of(process: psutil.Process) -> tuple[_Key, float] | None:
    try:
        with process.oneshot():
            times = process.cpu_times()
            return (process.pid, process.create_time()), times.user + times.system
    except psutil.Error:
        return None


def settle(
    meter: CpuMeter, idle: float = 0.05, within: float = 20.0, step: float = 0.3
) -> float | None:
    """Wait until the server is idle (under `idle` of a core over `step` s); None on timeout.

    Returns the time.monotonic() instant at which the idle reading began. Read models, the relay
    and the notifier catch up after a burst of commands: waiting for them charges a scenario
    with its own tail of work and spares the next one from paying for it.
    """
    deadline = time.monotonic() + within
    while (began := time.monotonic()) < deadline:
        before = meter.read()
        time.sleep(step)
        if CpuMeter.spent(before, meter.read()) < idle * step:
            return began
    return None

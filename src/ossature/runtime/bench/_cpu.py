"""CPU time of the server's processes, read with psutil while a scenario runs."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psutil

__all__ = ["CpuMeter", "settle"]

_Key = tuple[int, float]  # pid and start time: a reused pid is another process


@dataclass(frozen=True)
class CpuMeter:
    """CPU seconds spent by a process (with its children when `tree`) between two readings.

    For a tree (PostgreSQL's postmaster and its backends) each process is read on its own, so a
    backend started during the window counts from its start and one that ended is left out.
    """

    pid: int
    tree: bool = False

    def read(self) -> dict[_Key, float]:
        """Every process's CPU seconds so far."""
        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)] if self.tree else [root]
        except psutil.Error:
            return {}
        return dict(filter(None, (_cpu_of(process) for process in processes)))

    @staticmethod
    def spent(before: dict[_Key, float], after: dict[_Key, float]) -> float:
        """CPU seconds spent between two readings."""
        return sum(seconds - before.get(key, 0.0) for key, seconds in after.items())


def _cpu_of(process: psutil.Process) -> tuple[_Key, float] | None:
    try:
        with process.oneshot():
            times = process.cpu_times()
            return (process.pid, process.create_time()), times.user + times.system
    except psutil.Error:
        return None


def settle(meter: CpuMeter, idle: float = 0.05, within: float = 20.0, step: float = 0.3) -> bool:
    """Wait until the server is idle (under `idle` of a core over `step` s); False on timeout.

    Read models and the relay catch up after a burst of commands: the next scenario should not
    pay for the previous one's tail.
    """
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = meter.read()
        time.sleep(step)
        if CpuMeter.spent(before, meter.read()) < idle * step:
            return True
    return False

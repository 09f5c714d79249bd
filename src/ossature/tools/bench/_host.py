"""What the bench reads of the system's processes on this machine: how many serve, and memory.

`up` serves with its own process plus any Python child that is not an engine (a worker role
run in a second process, say); PostgreSQL and NATS are binaries of their own. The baseline is
given as many processes. Memory is read in MiB: the serving processes' resident set (RSS),
and the engines' proportional set (PSS), which counts PostgreSQL's shared buffers once over
all its backends rather than once per backend.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import psutil

__all__ = ["Memory", "is_serving", "memory", "serving_pids"]

_MIB = 1024 * 1024
_NOT_SERVING = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def is_serving(cmdline: Sequence[str]) -> bool:
    """True for a child of `up` that serves: a Python process, not multiprocessing's helpers."""
    if not cmdline:
        return False
    program = os.path.basename(cmdline[0])
    helper = any(name in part for part in cmdline for name in _NOT_SERVING)
    return program.startswith("python") and not helper


def serving_pids(pid: int) -> list[int]:
    """The `up` process and its serving children (empty when `pid` is gone)."""
    try:
        root = psutil.Process(pid)
        children = root.children(recursive=True)
    except psutil.Error:
        return []
    return [pid, *(child.pid for child in children if is_serving(_cmdline(child)))]


def _cmdline(process: psutil.Process) -> list[str]:
    with contextlib.suppress(psutil.Error):
        return list(process.cmdline())
    return []


@dataclass(frozen=True)
class Memory:
    """One reading, in MiB; None for what could not be read."""

    up_mb: float | None
    postgres_mb: float | None
    nats_mb: float | None


def memory(server_pid: int | None, postgres_pid: int | None, nats_pids: Iterable[int]) -> Memory:
    """The serving processes' RSS, the PostgreSQL tree's PSS and the NATS servers' PSS."""
    up = None if server_pid is None else _total(serving_pids(server_pid), _rss)
    postgres = None if postgres_pid is None else _total(_tree(postgres_pid), _pss)
    return Memory(up, postgres, _total(list(nats_pids), _pss))


def _tree(pid: int) -> list[int]:
    try:
        root = psutil.Process(pid)
        return [pid, *(child.pid for child in root.children(recursive=True))]
    except psutil.Error:
        return []


def _total(pids: list[int], read: Callable[[int], int | None]) -> float | None:
    sizes = [size for size in map(read, pids) if size is not None]
    return sum(sizes) / _MIB if sizes else None


def _rss(pid: int) -> int | None:
    with contextlib.suppress(psutil.Error):
        return int(psutil.Process(pid).memory_info().rss)
    return None


def _pss(pid: int) -> int | None:
    with contextlib.suppress(psutil.Error, AttributeError):
        return int(psutil.Process(pid).memory_full_info().pss)
    return _rss(pid)

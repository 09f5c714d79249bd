"""Identifiers: ULIDs as 26-character strings, and W3C trace ids.

Their randomness comes from os.urandom, read a block at a time: on these machines a system
call costs more than making the id, and one request makes five or six ids.
"""

from __future__ import annotations

import os
import threading

from ulid import ULID, ULIDGenerator

__all__ = ["is_ulid", "new_id", "new_trace_id"]


class _Entropy:
    """Bytes of os.urandom, handed out from 4 KiB blocks; safe across threads and forks."""

    _BLOCK = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._block, self._offset = b"", 0

    def take(self, size: int) -> bytes:
        """`size` bytes no one else is given."""
        with self._lock:
            if self._offset + size > len(self._block):
                self._block, self._offset = os.urandom(self._BLOCK), 0
            start = self._offset
            self._offset += size
            return self._block[start : start + size]


def _generator() -> ULIDGenerator:
    return ULIDGenerator(randomness=lambda _timestamp: _entropy.take(10))


def _after_fork_in_child() -> None:
    """A forked child must repeat neither the parent's bytes nor its monotonic sequence (and
    must not wait on a lock another thread of the parent held)."""
    global _entropy, _ulids
    _entropy, _ulids = _Entropy(), _generator()


_entropy = _Entropy()
_ulids = _generator()
os.register_at_fork(after_in_child=_after_fork_in_child)


def new_id() -> str:
    """A new ULID, sortable by creation time."""
    return str(_ulids.generate())


def new_trace_id() -> str:
    """A new W3C trace id: 32 lowercase hex digits, never all zeros."""
    trace_id = _entropy.take(16).hex()
    return trace_id if trace_id.strip("0") else new_trace_id()


def is_ulid(value: str) -> bool:
    """True when `value` parses as a ULID."""
    try:
        ULID.from_str(value)
    except (ValueError, TypeError):
        return False
    return True

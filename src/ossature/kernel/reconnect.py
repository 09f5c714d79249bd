"""Riding out an engine that drops: the NATS client's reconnection, and a backoff for workers.

An engine may go away at any moment (a crash, a restart by `ossature up`'s supervisor, an
operator's maintenance of an external one). The NATS client reconnects on its own, forever,
and says so in one log line each way; a worker whose loop failed waits a little longer
after each failure in a row, and starts again from its checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

from nats.aio.client import Client as NATS

from ossature.kernel.logging import get_logger

__all__ = ["Backoff", "connect_reconnecting"]

_log = get_logger("ossature.nats")


class Backoff:
    """Waits that double after each failure, from `first` to `last` seconds; `reset` after a
    success."""

    def __init__(self, first: float = 0.1, last: float = 5.0) -> None:
        self.first, self.last = first, last
        self.delay = first

    def reset(self) -> None:
        """The next wait is the shortest again."""
        self.delay = self.first

    async def wait(self, stop: asyncio.Event) -> None:
        """Sleep the current delay (less if `stop` is set meanwhile), then double it."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=self.delay)
        self.delay = min(2 * self.delay, self.last)


async def connect_reconnecting(name: str, url: str, options: Mapping[str, Any]) -> NATS:
    """A long-lived NATS connection named `name` to the servers of `url` (comma-separated),
    made with `options` (its credentials): it reconnects forever, soon after a drop, and
    logs each change of state as one line (not the client's tracebacks). Its own `close`
    is not a drop and logs nothing."""
    client = NATS()
    await client.connect(servers=url.split(","), **{**_reconnecting(name, client), **options})
    return client


def _reconnecting(name: str, client: NATS) -> dict[str, Any]:
    last = [""]

    async def on_error(error: Exception) -> None:
        said = repr(error)[:300]
        if said != last[0]:  # each failed attempt to reconnect says it again
            last[0] = said
            _log.warning("nats.error", connection=name, error=said)

    async def on_disconnected() -> None:
        if not client.is_closed:  # the client calls this on its own close too
            _log.warning("nats.disconnected", connection=name)

    async def on_reconnected() -> None:
        last[0] = ""
        _log.warning("nats.reconnected", connection=name)

    return {
        "name": name,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.25,  # the client adds jitter; the default waits 2 s
        "error_cb": on_error,
        "disconnected_cb": on_disconnected,
        "reconnected_cb": on_reconnected,
    }

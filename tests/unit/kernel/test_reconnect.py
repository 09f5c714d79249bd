"""The workers' backoff after failures in a row."""

from __future__ import annotations

import asyncio

from ossature.kernel.reconnect import Backoff


async def test_waits_double_up_to_the_last_and_a_success_resets_them() -> None:
    """0.1, 0.2, 0.4... capped at 5 s; after reset, 0.1 again."""
    stop = asyncio.Event()
    stop.set()  # the waits return at once; their lengths are what is checked
    backoff = Backoff(first=0.1, last=5.0)
    delays = []
    for _ in range(8):
        delays.append(backoff.delay)
        await backoff.wait(stop)
    backoff.reset()
    assert ([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0], 0.1) == (delays, backoff.delay)

"""Waiting for a NATS cluster to form before the first JetStream change.

A cluster's nodes answer clients before they have elected a JetStream meta leader, and a
stream kept on three nodes cannot be made before three have joined: until then the server
answers "JetStream system temporarily unavailable" or "insufficient resources". A process
that starts with the cluster (or while a node is down) retries its stream set-up until a
deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nats.errors import Error as NatsError
from nats.js.errors import Error as JetStreamError

from ossature.kernel.logging import get_logger

__all__ = ["FORMING_DEADLINE", "once_formed"]

FORMING_DEADLINE = 60.0  # seconds: a cluster of three local nodes forms in a few
_RETRY_EVERY = 0.25
T = TypeVar("T")

_log = get_logger("ossature.cluster")


async def once_formed(step: Callable[[], Awaitable[T]], deadline: float = FORMING_DEADLINE) -> T:
    """`step`'s result, retried while JetStream refuses it for want of a formed cluster."""
    loop = asyncio.get_running_loop()
    until = loop.time() + deadline
    while True:
        try:
            return await step()
        except (JetStreamError, NatsError, TimeoutError) as error:
            if loop.time() > until:
                raise
            _log.info("nats.cluster-forming", error=repr(error)[:200])
            await asyncio.sleep(_RETRY_EVERY)

"""Pulling a JetStream consumer a batch at a time, the batch gathered by a callback.

nats-py's `PullSubscription.fetch` takes each message with `next_msg`, which makes a task
and a timer per message: two turns of the event loop for each, and under load every turn
waits behind the requests the process is answering (a batch of 100 took 330 ms during a
benchmark's burst, 8 ms after it). Here the consumer's messages arrive on a callback
subscription of an inbox, which appends each to a list as the client reads it off the
socket; `fetch` asks for a batch and wakes once, when the batch is full or when a message
says none is left to deliver. It also wakes when the open request has delivered all it
asked for, to ask for the rest: a request left open by an earlier fetch may owe fewer
messages than the batch, and a burst larger than that would otherwise wait out the fetch's
whole `wait` (half a second in the notifier) with messages still stored.

A pull request lives on the server until its batch is delivered or it expires, so one that
`fetch` left early (nothing more was stored) may deliver later messages with no fetch
waiting: they wait in the list, in order, for the next fetch, which asks for nothing more
while that request is open. No message is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeout
from nats.js.errors import APIError

__all__ = ["BatchPull"]

_STATUS, _DESCRIPTION = "Status", "Description"
_ENDED = ("404", "408", "409")  # no messages, the request expired, a limit reached
_HEARTBEAT = "100"
_GONE = "Consumer Deleted"
_SHORTEST = 0.01  # seconds: a request expiring sooner is not worth sending


class BatchPull:
    """A JetStream pull consumer, read by `fetch`; `start` before, `stop` after.

    One request is open at a time, so the messages owed are known exactly: a request is
    closed when its batch is delivered, when the server ends it (it expired, or found
    nothing), or when its expiry has passed (the connection may have lost its end).
    """

    def __init__(self, nc: Any, stream: str, consumer: str) -> None:
        self.nc, self.stream, self.consumer = nc, stream, consumer
        self._next = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._inbox = nc.new_inbox()
        self._asked = 0  # the requests sent: each gets its own reply subject
        self._reply = ""  # the open request's reply subject
        self._owed = 0  # the messages the open request may still deliver
        self._expires = 0.0  # when the open request expires, on the loop's clock
        self._messages: list[Msg] = []
        self._wanted = 0
        self._error: APIError | None = None
        self._wake = asyncio.Event()
        self._subscription: Any = None

    async def start(self) -> None:
        """Subscribe the inbox that every request's messages and statuses are sent to."""
        self._subscription = await self.nc.subscribe(f"{self._inbox}.*", cb=self._received)

    async def stop(self) -> None:
        """Unsubscribe; the consumer stays as it is on the server."""
        if self._subscription is not None:
            await self._subscription.unsubscribe()
            self._subscription = None

    async def fetch(self, batch: int, wait: float) -> list[Msg]:
        """The messages delivered since the last fetch and, unless they already hold every
        message stored, up to `batch` in all; raises nats' TimeoutError when none arrives
        within `wait` seconds, APIError when the consumer is gone."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        self._wanted = batch
        while not self._complete(batch) and (left := deadline - loop.time()) > _SHORTEST:
            self._wake.clear()
            if not self._open(loop.time()):
                await self._ask(batch - len(self._messages), left)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), left)
            if self._error is not None:
                error, self._error = self._error, None
                raise error
        taken, self._messages = self._messages, []
        if not taken:
            raise NatsTimeout
        return taken

    def _complete(self, batch: int) -> bool:
        """True when the messages held are a batch, or the last said that none is left."""
        held = self._messages
        return len(held) >= batch or (bool(held) and held[-1].metadata.num_pending == 0)

    def _open(self, now: float) -> bool:
        return self._owed > 0 and now < self._expires

    async def _ask(self, count: int, expires: float) -> None:
        self._asked += 1
        self._reply, self._owed = f"{self._inbox}.{self._asked}", count
        self._expires = asyncio.get_running_loop().time() + expires
        request = {"batch": count, "expires": int(expires * 1_000_000_000)}
        await self.nc.publish(self._next, json.dumps(request).encode(), reply=self._reply)

    async def _received(self, msg: Msg) -> None:
        status = msg.headers.get(_STATUS) if msg.headers else None
        if status is None:
            self._messages.append(msg)
            self._owed -= 1
            spent, full = self._owed <= 0, len(self._messages) >= self._wanted
            if spent or full or msg.metadata.num_pending == 0:
                self._wake.set()  # a spent request wakes the fetch to ask for the rest
            return
        if msg.subject != self._reply or status == _HEARTBEAT:
            return  # the end of a request closed already, or a heartbeat
        self._owed = 0
        description = msg.headers.get(_DESCRIPTION, "") if msg.headers else ""
        if status not in _ENDED or description == _GONE:
            self._error = APIError(code=int(status), description=description)
        self._wake.set()

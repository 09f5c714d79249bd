"""BatchPull on the real NATS: a batch comes whole, in order, without waiting out its request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig
from nats.js.errors import APIError

from ossature.kernel.ids import new_id
from ossature.kernel.pull import BatchPull
from ossature.runtime.system import System


@pytest.fixture
async def pull(system: System) -> AsyncIterator[tuple[Any, BatchPull]]:
    """A stream of this test's own, a consumer of it, and its pull, started."""
    js, stream = system.nc.jetstream(), f"PULL_{new_id()}"
    await js.add_stream(name=stream, subjects=[f"{stream.lower()}.>"])
    config = ConsumerConfig(durable_name="reader", ack_policy=AckPolicy.NONE)
    await js.add_consumer(stream, config)
    pulling = BatchPull(system.nc, stream, "reader")
    await pulling.start()
    yield js, pulling
    await pulling.stop()
    await js.delete_stream(stream)


async def _publish(js: Any, pull: BatchPull, count: int) -> None:
    for n in range(count):
        await js.publish(f"{pull.stream.lower()}.m", str(n).encode())


def _sequences(messages: list[Any]) -> list[int]:
    return [m.metadata.sequence.stream for m in messages]


async def test_a_fetch_returns_what_is_stored_without_waiting_for_a_full_batch(
    pull: tuple[Any, BatchPull],
) -> None:
    """Five stored, a hundred asked for: the five come back long before the request expires."""
    js, pulling = pull
    await _publish(js, pulling, 5)

    actual = _sequences(await asyncio.wait_for(pulling.fetch(100, wait=60), 20))

    assert [1, 2, 3, 4, 5] == actual


async def test_messages_delivered_between_fetches_come_with_the_next_one_in_order(
    pull: tuple[Any, BatchPull],
) -> None:
    """The first request, left early, still delivers what is published after; nothing is lost."""
    js, pulling = pull
    await _publish(js, pulling, 3)
    first = await pulling.fetch(100, wait=60)
    await _publish(js, pulling, 4)
    later: list[Any] = []
    while len(later) < 4:
        later += await asyncio.wait_for(pulling.fetch(100, wait=60), 20)
    expected = ([1, 2, 3], [4, 5, 6, 7])

    actual = (_sequences(first), _sequences(later))

    assert expected == actual


async def test_a_burst_read_while_it_is_published_comes_whole_and_in_order(
    pull: tuple[Any, BatchPull],
) -> None:
    """A thousand messages fetched fifty at a time as they are published: each once, in order."""
    js, pulling = pull
    publishing = asyncio.create_task(_publish(js, pulling, 1000))
    read: list[Any] = []
    while len(read) < 1000:
        try:
            batch = await pulling.fetch(50, wait=2)
        except NatsTimeout:
            break
        read += batch
    await publishing

    assert list(range(1, 1001)) == _sequences(read)


async def test_a_fetch_with_nothing_stored_times_out(pull: tuple[Any, BatchPull]) -> None:
    """No message within the timeout is nats' TimeoutError, as nats-py's own fetch raises."""
    _, pulling = pull

    with pytest.raises(NatsTimeout):
        await pulling.fetch(10, wait=0.3)


async def test_a_consumer_deleted_under_a_waiting_fetch_is_an_error(
    pull: tuple[Any, BatchPull],
) -> None:
    """The server ends the request with 409 Consumer Deleted: the fetch raises, it does not
    wait on a consumer that is gone."""
    js, pulling = pull
    fetching = asyncio.create_task(pulling.fetch(10, wait=30))
    await asyncio.sleep(0.2)  # the request is waiting on the server
    await js.delete_consumer(pulling.stream, pulling.consumer)

    with pytest.raises(APIError):
        await asyncio.wait_for(fetching, 20)


async def test_a_burst_beyond_what_the_open_request_owes_is_asked_for_at_once(
    pull: tuple[Any, BatchPull],
) -> None:
    """A fetch waits on a request an earlier fetch left open, owing 97 of its 100; a burst of
    150 is published at once. The fetch asks for the rest as soon as the 97 are in, rather
    than waiting out its minute with 53 still stored."""
    js, pulling = pull
    await _publish(js, pulling, 3)
    await pulling.fetch(100, wait=60)  # returns the 3; its request stays open, owing 97
    fetching = asyncio.create_task(pulling.fetch(200, wait=60))
    await asyncio.sleep(0.2)  # the fetch is waiting on the open request
    subject = f"{pulling.stream.lower()}.m"
    for n in range(150):  # one write: the stream stores the burst ahead of the deliveries
        await pulling.nc.publish(subject, str(n).encode())
    await pulling.nc.flush()
    read = await asyncio.wait_for(fetching, 20)
    while len(read) < 150:
        read += await asyncio.wait_for(pulling.fetch(200, wait=60), 20)

    assert list(range(4, 154)) == _sequences(read)

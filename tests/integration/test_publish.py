"""BatchPublisher on the real NATS: every ack, in order; a refusal raises."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from ossature.kernel.ids import new_id
from ossature.kernel.publish import BatchPublisher, PublishError
from ossature.runtime.system import System


@pytest.fixture
async def stream(system: System) -> AsyncIterator[str]:
    """A stream of this test's own, deleted after."""
    js, name = system.nc.jetstream(), f"PUBLISH_{new_id()}"
    await js.add_stream(name=name, subjects=[f"{name.lower()}.>"])
    yield name
    await js.delete_stream(name)


def _messages(stream: str, ids: list[str]) -> list[tuple[str, bytes, dict[str, str]]]:
    return [(f"{stream.lower()}.m", i.encode(), {"Nats-Msg-Id": i}) for i in ids]


async def test_a_batch_comes_back_acked_in_order_and_a_repeat_as_a_duplicate(
    system: System, stream: str
) -> None:
    """Three stored in order; the same ids again are stored once, each ack says duplicate."""
    publisher = BatchPublisher(system.nc)
    ids = [new_id() for _ in range(3)]

    first = await publisher.publish_all(_messages(stream, ids), stream=stream)
    again = await publisher.publish_all(_messages(stream, ids), stream=stream)

    expected = ([stream] * 3, [1, 2, 3], [False] * 3, [True] * 3)
    actual = (
        [ack.stream for ack in first],
        [ack.seq for ack in first],
        [ack.duplicate for ack in first],
        [ack.duplicate for ack in again],
    )
    assert expected == actual


async def test_a_message_no_stream_takes_is_a_refusal(system: System) -> None:
    """Nothing listens on the subject: the batch raises rather than waiting for an ack."""
    publisher = BatchPublisher(system.nc)

    with pytest.raises(PublishError):
        await publisher.publish_all([(f"nowhere.{new_id()}", b"x", {})])


async def test_a_message_for_another_stream_is_a_refusal(system: System, stream: str) -> None:
    """Expected in one stream, taken by another: JetStream refuses it, and the batch raises."""
    publisher = BatchPublisher(system.nc)

    with pytest.raises(PublishError):
        await publisher.publish_all(_messages(stream, [new_id()]), stream="SOME_OTHER_STREAM")


async def test_an_empty_batch_publishes_nothing(system: System) -> None:
    """No message, no wait, no ack."""
    actual: list[Any] = await BatchPublisher(system.nc).publish_all([])

    assert [] == actual

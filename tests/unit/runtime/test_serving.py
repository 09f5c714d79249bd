"""The garbage collector as the server processes set it for serving."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ossature.runtime.serving import YOUNG_COLLECTION, quiet_collector


@pytest.fixture
def collector() -> Iterator[None]:
    """Put the collector back as it was: the test process shares it."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_serving_freezes_startup_s_objects_and_collects_the_young_rarely(
    collector: None,
) -> None:
    """What exists before serving is frozen; young collections wait for 10,000 allocations."""
    made_at_startup = [[n] for n in range(1000)]  # lists: objects the collector tracks
    frozen_before = gc.get_freeze_count()

    quiet_collector()

    expected = (YOUNG_COLLECTION, True)
    frozen = gc.get_freeze_count() - frozen_before
    actual = (gc.get_threshold()[0], frozen >= len(made_at_startup))
    assert expected == actual

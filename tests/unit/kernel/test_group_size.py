"""How many waiting commits the next group takes (decision 142): one group in flight at a
time, unless a convoy gathers."""

from __future__ import annotations

import pytest

from ossature.kernel.group_commit import GATHER, LANES, LIMIT, group_size


@pytest.mark.parametrize(
    ("waiting", "in_flight", "size"),
    [
        (0, 0, 0),
        (1, 0, 1),  # a lone commit goes at once
        (2 * GATHER - 1, 0, 2 * GATHER - 1),  # fewer than two groups' worth: one group
        (2 * GATHER, 0, GATHER),  # a convoy: half now, the other half beside it
        (2 * GATHER + 1, 0, GATHER + 1),
        (4 * GATHER, 0, 2 * GATHER),
        (3 * LIMIT, 0, LIMIT),
        (GATHER - 1, 1, 0),  # a few wait for the group in flight
        (GATHER, 1, GATHER),  # a convoy behind it goes beside it
        (LIMIT + 1, 1, LIMIT),
        (GATHER, LANES, 0),  # every lane busy: all wait
        (LIMIT, LANES, 0),
    ],
)
def test_the_next_group_takes_what_the_rule_allows(waiting: int, in_flight: int, size: int) -> None:
    assert size == group_size(waiting, in_flight)


def test_from_an_idle_start_what_waits_goes_unless_every_lane_is_busy() -> None:
    """Taken group after group from an idle start, no commit is left waiting while a lane
    is free, and no group is larger than LIMIT."""
    for waiting in range(1, 3 * LIMIT):
        left, in_flight, sizes = waiting, 0, []
        while size := group_size(left, in_flight):
            sizes.append(size)
            left, in_flight = left - size, in_flight + 1
        assert (left == 0 or in_flight == LANES, max(sizes) <= LIMIT) == (True, True), waiting

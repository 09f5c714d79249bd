"""Schedules: five cron fields in UTC that occur, and when they next do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ossature.modules.analytics.errors import BadSchedule
from ossature.modules.analytics.schedule import check_schedule, next_run


@pytest.mark.parametrize("schedule", ["0 3 * * *", "*/15 * * * 1-5", "@daily"])
def test_cron_expressions_of_five_fields_are_accepted(schedule: str) -> None:
    """Five fields, or one of the @ shorthands."""
    check_schedule(schedule)


@pytest.mark.parametrize(
    "schedule", ["* * * * * *", "0 3 * *", "every day", "0 0 30 2 *", "@reboot"]
)
def test_other_schedules_are_refused(schedule: str) -> None:
    """Seconds fields, missing fields, prose, a day that never comes."""
    with pytest.raises(BadSchedule):
        check_schedule(schedule)


def test_the_next_run_is_the_first_matching_time_after_the_given_one() -> None:
    """At 05:00, a daily 03:00 schedule next runs tomorrow at 03:00 UTC."""
    assert datetime(2026, 3, 2, 3, tzinfo=UTC) == next_run(
        "0 3 * * *", datetime(2026, 3, 1, 5, tzinfo=UTC)
    )

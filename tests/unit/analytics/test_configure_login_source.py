"""Configuring a login source: the pure decision."""

from __future__ import annotations

import pytest

from ossature.modules.analytics.commands.configure_login_source import (
    ConfigureLoginSource,
    LoginSourceConfigured,
    decide_configure,
)
from ossature.modules.analytics.errors import BadSchedule, ReservedSourceName
from ossature.modules.analytics.state import LoginSource

CMD = ConfigureLoginSource(
    name="crm", kind="sqlite", location="/srv/sources/a", schedule="0 3 * * *"
)
CURRENT = LoginSource("crm", "sqlite", "v1.sealed", "0 3 * * *", 1)


def test_a_new_source_is_configured_with_its_sealed_location() -> None:
    """The event carries the sealed location, never the location."""
    expected = LoginSourceConfigured(
        source_name="crm", kind="sqlite", sealed_location="v1.new", schedule="0 3 * * *"
    )
    assert [expected] == decide_configure(None, CMD, "v1.new", same_location=False)


def test_the_same_settings_again_change_nothing() -> None:
    """Same kind, schedule and location: no event."""
    assert [] == decide_configure(CURRENT, CMD, "v1.new", same_location=True)


def test_a_new_location_or_schedule_is_a_new_configuration() -> None:
    """Either change appends one event."""
    moved = decide_configure(CURRENT, CMD, "v1.new", same_location=False)
    rescheduled = decide_configure(
        CURRENT,
        ConfigureLoginSource(
            name="crm", kind="sqlite", location="/srv/sources/a", schedule="@daily"
        ),
        "v1.new",
        True,
    )
    assert (1, 1) == (len(moved), len(rescheduled))


def test_the_name_of_ossature_s_own_logins_is_reserved() -> None:
    """`ossature` names Ossature's own logins on the chart."""
    with pytest.raises(ReservedSourceName):
        decide_configure(
            None,
            ConfigureLoginSource(name="ossature", kind="sqlite", location="/x", schedule="@daily"),
            "v1.x",
            False,
        )


def test_a_schedule_that_never_occurs_is_refused() -> None:
    """February 30th never comes."""
    with pytest.raises(BadSchedule):
        decide_configure(
            None,
            ConfigureLoginSource(name="crm", kind="sqlite", location="/x", schedule="0 0 30 2 *"),
            "v1.x",
            False,
        )

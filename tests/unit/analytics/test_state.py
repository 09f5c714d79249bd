"""A login source's state folded from its stream's events."""

import pytest

from ossature.kernel.messages import Event, UnknownEvent
from ossature.modules.analytics import MODULE
from ossature.modules.analytics.commands.configure_login_source import LoginSourceConfigured
from ossature.modules.analytics.state import LoginSource, LoginSourceEvent, replay


class ProjectStarred(Event, frozen=True):
    name = "project-starred"


class LoginSourcePaused(LoginSourceEvent, frozen=True):
    name = "login-source-paused"


def _configured(location: str, schedule: str) -> LoginSourceConfigured:
    return LoginSourceConfigured(
        source_name="crm", kind="sqlite", sealed_location=location, schedule=schedule
    )


def test_replay_keeps_the_last_configuration_and_takes_the_streams_version() -> None:
    """Configured twice: the source as the second configuration left it."""
    events = [_configured("v1.a", "@daily"), _configured("v1.b", "0 3 * * *")]

    actual = replay(events, 2)

    assert LoginSource("crm", "sqlite", "v1.b", "0 3 * * *", 2) == actual


def test_a_stream_without_events_is_no_source() -> None:
    """Nothing configured yet: None, not an empty source."""
    assert replay([], 0) is None


def test_folding_an_event_of_another_kind_of_stream_raises() -> None:
    """An event that is not a login source's is never skipped silently."""
    with pytest.raises(UnknownEvent):
        replay([_configured("v1.a", "@daily"), ProjectStarred()], 2)


def test_folding_a_source_event_that_does_not_say_how_it_changes_a_source_raises() -> None:
    """A login source event type without its own `evolve` is unknown to the state."""
    with pytest.raises(UnknownEvent):
        replay([LoginSourcePaused()], 1)


def test_every_declared_source_event_says_how_it_changes_a_source() -> None:
    """Each event type in the module's table is a source event with its own fold."""
    without = [
        e.name
        for e in MODULE.events
        if not issubclass(e, LoginSourceEvent) or "evolve" not in vars(e)
    ]
    assert [] == without

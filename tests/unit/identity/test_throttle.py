"""Log-in throttling's rules: thresholds, window, exponential growth, reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ossature.modules.identity._throttle import Attempts, Rules, delay, locked_for, on_failure
from ossature.modules.identity.throttle import Subjects

RULES = Rules()
T0 = datetime(2026, 1, 1, tzinfo=UTC)
NONE = Attempts()


def _fail(
    kind: str, times: int, start: Attempts = NONE, at: datetime = T0
) -> tuple[Attempts, list[bool]]:
    attempts, engaged = start, []
    for _ in range(times):
        attempts, locked = on_failure(RULES, kind, attempts, at)  # type: ignore[arg-type]
        engaged.append(locked)
    return attempts, engaged


def test_the_fifth_failure_of_an_account_locks_it_for_a_minute() -> None:
    attempts, engaged = _fail("account", 5)
    assert ([False] * 4 + [True], 60) == (engaged, locked_for(attempts, T0))


def test_an_address_is_locked_at_its_twentieth_failure() -> None:
    _, engaged = _fail("address", 20)
    assert [False] * 19 + [True] == engaged


def test_failures_older_than_the_window_do_not_count() -> None:
    attempts, _ = _fail("account", 4)
    later, engaged = on_failure(RULES, "account", attempts, T0 + timedelta(minutes=15))
    assert (False, 1) == (engaged, later.failures)


def test_each_lock_in_a_row_lasts_twice_the_last_up_to_an_hour() -> None:
    assert [60, 120, 240, 480, 960, 1920, 3600, 3600] == [
        int(delay(RULES, n).total_seconds()) for n in range(1, 9)
    ]


def test_a_second_lock_soon_after_the_first_lasts_twice_as_long() -> None:
    first, _ = _fail("account", 5)
    after = T0 + timedelta(minutes=2)  # the first lock (1 min) is over
    second, engaged = _fail("account", 5, first, after)
    assert (True, 2, 120) == (engaged[-1], second.locks, locked_for(second, after))


def test_a_lock_long_past_starts_the_growth_again() -> None:
    first, _ = _fail("account", 5)
    much_later = T0 + timedelta(hours=1)
    again, _ = _fail("account", 5, first, much_later)
    assert (1, 60) == (again.locks, locked_for(again, much_later))


def test_a_lock_ends_at_its_time() -> None:
    attempts, _ = _fail("account", 5)
    assert (1, 0) == (
        locked_for(attempts, T0 + timedelta(seconds=59.5)),
        locked_for(attempts, T0 + timedelta(seconds=60)),
    )


def test_an_attempt_counts_against_its_account_and_its_address() -> None:
    assert ("account:d1", "address:203.0.113.5") == (
        Subjects.of("d1", "203.0.113.5").account,
        Subjects.of("d1", "203.0.113.5").address,
    )


def test_a_loopback_address_or_none_counts_against_the_account_alone() -> None:
    """On `ossature up`, or behind a proxy on the same host, the loopback names no client."""
    assert [None, None, None, "address:10.0.0.1"] == [
        Subjects.of("d1", address).address for address in ("127.0.0.1", "::1", None, "10.0.0.1")
    ]

"""Reducing a copy of a user table to hashed addresses and last logins."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ossature.modules.analytics._copy import hash_email, reduce_users
from ossature.modules.analytics._ledger import new_logins, per_day
from ossature.modules.analytics.errors import SourceMalformed

SALT = b"salt"


def test_an_address_is_hashed_with_the_salt_trimmed_and_lower_cased() -> None:
    """Two spellings of one address give one hash, which is not the unsalted one."""
    expected = hashlib.sha256(SALT + b"ann@app.test").hexdigest()
    assert expected == hash_email(SALT, " Ann@App.TEST ")
    assert hashlib.sha256(b"ann@app.test").hexdigest() != hash_email(SALT, "ann@app.test")


def test_times_as_django_stores_them_are_read_in_utc() -> None:
    """Naive text is UTC; offsets are converted; numbers are Unix times."""
    rows = [
        ("a@x", "2026-03-01 08:00:00.250000"),
        ("b@x", "2026-03-01T10:00:00+02:00"),
        ("c@x", datetime(2026, 3, 1, 8, tzinfo=timezone(timedelta(hours=-5)))),
        ("d@x", 1772352000),
    ]
    snapshot = reduce_users(SALT, rows)
    assert [
        datetime(2026, 3, 1, 8, 0, 0, 250000, tzinfo=UTC),
        datetime(2026, 3, 1, 8, tzinfo=UTC),
        datetime(2026, 3, 1, 13, tzinfo=UTC),
        datetime(2026, 3, 1, 8, tzinfo=UTC),
    ] == [snapshot[hash_email(SALT, e)] for e in ("a@x", "b@x", "c@x", "d@x")]


def test_users_without_an_address_are_skipped_and_duplicates_keep_the_latest() -> None:
    """No address, no user; one address twice is one user at the later time."""
    rows = [
        ("", "2026-03-01 08:00"),
        (None, "2026-03-01 08:00"),
        ("a@x", "2026-03-01 08:00"),
        ("A@x", "2026-03-02 08:00"),
    ]
    assert {hash_email(SALT, "a@x"): datetime(2026, 3, 2, 8, tzinfo=UTC)} == reduce_users(
        SALT, rows
    )


@pytest.mark.parametrize("row", [("a@x", "yesterday"), ("a@x", b"bytes"), (42, "2026-03-01")])
def test_a_value_that_is_not_a_time_or_an_address_is_malformed(row: tuple[object, object]) -> None:
    """The copy is refused as a whole, with a keyed error."""
    with pytest.raises(SourceMalformed):
        reduce_users(SALT, [row])


def test_the_first_copy_counts_each_user_s_last_login_once() -> None:
    """With no previous state, every user is one login at their last login."""
    snapshot = {"a": datetime(2026, 3, 1, tzinfo=UTC), "b": datetime(2026, 3, 2, tzinfo=UTC)}
    assert sorted(snapshot.items()) == new_logins({}, snapshot)


def test_only_users_whose_last_login_moved_forward_count_again() -> None:
    """Unchanged and moved-back last logins count nothing; a new user counts once."""
    day = datetime(2026, 3, 1, tzinfo=UTC)
    previous = {"same": day, "forward": day, "back": day}
    snapshot = {
        "same": day,
        "forward": day + timedelta(hours=1),
        "back": day - timedelta(1),
        "new": day,
    }
    assert [("forward", day + timedelta(hours=1)), ("new", day)] == new_logins(previous, snapshot)


def test_logins_are_counted_per_utc_day() -> None:
    """Midnight UTC separates days."""
    instants = [datetime(2026, 3, 1, 23, 59, 59, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)] * 2
    assert {date(2026, 3, 1): 2, date(2026, 3, 2): 2} == per_day(instants)

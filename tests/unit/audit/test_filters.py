"""The audit log's page statements: one text per filter set, the leading filter indexable,
and the cursor and the last day as one bound."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ossature.modules.audit._filters import Filters, Page, cursor_of, page_statement, upper_bound
from ossature.modules.audit.errors import BadCursor

MOMENT = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def _where(filters: Filters) -> str:
    statement, _ = page_statement(filters, Page(None, upper_bound(None, None), 11))
    return statement.split(" where ")[1].split(" order by")[0]


def test_only_the_leading_filter_can_reach_an_index() -> None:
    """Actor leads; the name and the outcome are compared through coalesce."""
    where = _where(Filters("a1", "rename-project", "denied"))
    assert "actor_id = $5" in where
    assert "coalesce(name, '') = $6" in where and "coalesce(outcome, '') = $7" in where


def test_a_filter_set_always_gives_the_same_text() -> None:
    """The text depends on which filters are set, not on their values (one plan each)."""
    assert _where(Filters(None, "a", None)) == _where(Filters(None, "b", None))
    assert "name = $5" in _where(Filters(None, "a", None))


def test_the_cursor_names_the_entry_after_which_the_next_page_starts() -> None:
    """Encoded, then read back as a bound: the same time and id."""
    cursor = cursor_of({"recorded_at": MOMENT, "entry_id": 42})
    assert (MOMENT, 42) == upper_bound(None, cursor)


def test_the_tighter_of_the_last_day_and_the_cursor_bounds_the_page() -> None:
    """A cursor after the last day: the day after it, at midnight, bounds the page."""
    cursor = cursor_of({"recorded_at": MOMENT, "entry_id": 42})
    assert (datetime(2026, 2, 1, tzinfo=UTC), 0) == upper_bound(date(2026, 1, 31), cursor)
    assert (MOMENT, 42) == upper_bound(date(2026, 3, 5), cursor)


@pytest.mark.parametrize("cursor", ["not-a-cursor", "bm90aGluZw", "MjAyNi0wMy0wMXw0Mg"])
def test_a_cursor_not_made_here_is_refused(cursor: str) -> None:
    """Not base64, no separator, a time without its zone: audit.bad-cursor."""
    with pytest.raises(BadCursor):
        upper_bound(None, cursor)

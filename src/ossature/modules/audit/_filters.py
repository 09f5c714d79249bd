"""The statement of one page of audit entries, for the filters a query names.

One statement text per combination of filters (eight at most), never one with
`$1 is null or actor_id = $1`: the app pool keeps a generic plan per statement (decision
17), and it plans onto the index of its most selective filter (actor, then command name,
then outcome, then time; migration 0062's indexes, ascending since 0111 and walked
backward). The date range and the cursor are one range on (recorded_at, entry_id), always
present, so they never change the text.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ossature.modules.audit.errors import BadCursor

__all__ = ["Filters", "Page", "cursor_of", "page_statement", "upper_bound"]

_COLUMNS = """select entry_id, invocation_id, kind, name, actor_id, on_behalf_of, outcome,
    status, message_key, context, recorded_at, repeat_of from audit_entries"""
_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 1, 1, tzinfo=UTC)
Bound = tuple[datetime, int]


@dataclass(frozen=True)
class Filters:
    actor_id: str | None
    name: str | None
    outcome: str | None


@dataclass(frozen=True)
class Page:
    first_day: date | None
    before: Bound  # (recorded_at, entry_id): entries strictly before it
    size: int


def page_statement(filters: Filters, page: Page) -> tuple[str, list[Any]]:
    """The statement and its arguments: the entries newest first, before `page.before`."""
    since = _midnight(page.first_day) if page.first_day else _EARLIEST
    arguments: list[Any] = [page.size, since, *page.before]
    clauses = ["recorded_at >= $2", "(recorded_at, entry_id) < ($3, $4)"]
    leading = True
    for column in ("actor_id", "name", "outcome"):
        value = getattr(filters, column)
        if value is not None:
            arguments.append(value)
            # Only the leading filter may reach an index: a generic plan cannot tell which is
            # the most selective and took the outcome's ("allowed": nearly every entry).
            compared = column if leading else f"coalesce({column}, '')"
            clauses.append(f"{compared} = ${len(arguments)}")
            leading = False
    where = " and ".join(clauses)
    return f"{_COLUMNS} where {where} order by recorded_at desc, entry_id desc limit $1", arguments


def upper_bound(last_day: date | None, cursor: str | None) -> Bound:
    """The tighter of the day after `last_day` and the cursor's entry."""
    day_bound: Bound = (_midnight(last_day + timedelta(days=1)) if last_day else _LATEST, 0)
    return min(day_bound, _decoded(cursor)) if cursor else day_bound


def cursor_of(row: Any) -> str:
    """The cursor after this row: its time and id, opaque to the caller."""
    text = f"{row['recorded_at'].isoformat()}|{row['entry_id']}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decoded(cursor: str) -> Bound:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, entry = text.split("|")
        at = datetime.fromisoformat(moment)
        if at.tzinfo is None:
            raise ValueError(moment)
        return at, int(entry)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor() from error


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)

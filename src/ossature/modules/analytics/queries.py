"""Queries of the analytics module: daily series of logins, and the configured sources.

Every series has one point per day from `from` to `to` inclusive, zeros
included, so that charts and clients need no gap filling.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import InvalidPayload
from ossature.kernel.messages import Payload
from ossature.modules.analytics.errors import SourceNotFound
from ossature.modules.analytics.state import OWN_LOGINS, SourceName

__all__ = [
    "CountLoginsPerDay",
    "CountSourceLoginsPerDay",
    "DayCount",
    "ListLoginSources",
    "ListLoginSourcesAnswer",
    "LoginSourceView",
    "LoginsPerDayAnswer",
    "check_range",
    "count_logins_per_day",
    "count_source_logins_per_day",
    "daily_series",
    "list_login_sources",
]

MAX_DAYS = 3660


class CountLoginsPerDay(Payload, frozen=True, rename={"from_": "from", "to": "to"}):
    from_: date
    to: date


class CountSourceLoginsPerDay(
    Payload, frozen=True, rename={"source": "source", "from_": "from", "to": "to"}
):
    source: SourceName
    from_: date
    to: date


class ListLoginSources(Payload, frozen=True):
    pass


def check_range(start: date, end: date) -> int:
    """The number of days from `start` to `end` inclusive; refused backwards or past ten years."""
    days = (end - start).days + 1
    if not 1 <= days <= MAX_DAYS:
        raise InvalidPayload({"from": str(start), "to": str(end)}, key="analytics.bad-range")
    return days


class DayCount(TypedDict):
    day: str
    count: int


class LoginsPerDayAnswer(TypedDict):
    series: list[DayCount]


class LoginSourceView(TypedDict):
    name: str
    kind: str
    schedule: str
    nextRunAt: str | None
    watermark: str | None
    usersSeen: int
    loginsAppended: int
    lastRunAt: str | None
    lastOutcome: str | None
    lastErrorKey: str | None
    lastAppended: int | None


class ListLoginSourcesAnswer(TypedDict):
    sources: list[LoginSourceView]


def daily_series(counts: Mapping[date, int], start: date, end: date) -> list[DayCount]:
    """One point per day from `start` to `end` inclusive, zero where `counts` has none."""
    days = check_range(start, end)
    return [
        {"day": (start + timedelta(n)).isoformat(), "count": counts.get(start + timedelta(n), 0)}
        for n in range(days)
    ]


async def count_logins_per_day(
    ctx: Context, query: CountLoginsPerDay, deps: Deps
) -> LoginsPerDayAnswer:
    """Ossature's own logins (`user-logged-in` events) per day."""
    check_range(query.from_, query.to)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(
            "select day, logins from login_days where day between $1 and $2", query.from_, query.to
        )
    counts = {row["day"]: row["logins"] for row in rows}
    return {"series": daily_series(counts, query.from_, query.to)}


_SOURCE_DAYS = """select day, logins from source_login_days
    where tenant_id = $1 and source_name = $2 and day between $3 and $4"""


async def count_source_logins_per_day(
    ctx: Context, query: CountSourceLoginsPerDay, deps: Deps
) -> LoginsPerDayAnswer:
    """A source's logins per day; the source `ossature` is Ossature's own logins."""
    if query.source == OWN_LOGINS:
        own = CountLoginsPerDay(from_=query.from_, to=query.to)
        return await count_logins_per_day(ctx, own, deps)
    check_range(query.from_, query.to)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        known = await conn.fetchval("select 1 from login_sources where name = $1", query.source)
        rows = await conn.fetch(_SOURCE_DAYS, ctx.tenant_id, query.source, query.from_, query.to)
    if not known:
        raise SourceNotFound({"source": query.source})
    counts = {row["day"]: row["logins"] for row in rows}
    return {"series": daily_series(counts, query.from_, query.to)}


_SOURCES = """select s.name, s.kind, s.schedule, d.next_run_at, t.watermark, t.users_seen,
    t.logins_appended, t.last_run_at, t.last_outcome, t.last_error_key, t.last_appended
    from login_sources s
    left join login_extract_schedule d on d.tenant_id = s.tenant_id and d.source_name = s.name
    left join login_source_state t on t.tenant_id = s.tenant_id and t.source_name = s.name
    order by s.name"""


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _source(row: Any) -> LoginSourceView:
    return {
        "name": row["name"],
        "kind": row["kind"],
        "schedule": row["schedule"],
        "nextRunAt": _iso(row["next_run_at"]),
        "watermark": _iso(row["watermark"]),
        "usersSeen": row["users_seen"] or 0,
        "loginsAppended": row["logins_appended"] or 0,
        "lastRunAt": _iso(row["last_run_at"]),
        "lastOutcome": row["last_outcome"],
        "lastErrorKey": row["last_error_key"],
        "lastAppended": row["last_appended"],
    }


async def list_login_sources(
    ctx: Context, query: ListLoginSources, deps: Deps
) -> ListLoginSourcesAnswer:
    """The tenant's sources with their schedule and last run; never their location."""
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_SOURCES)
    return {"sources": [_source(row) for row in rows]}

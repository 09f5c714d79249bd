"""Queries of the analytics module."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import InvalidPayload
from ossature.kernel.messages import Payload

__all__ = ["CountLoginsPerDay", "count_logins_per_day"]

MAX_DAYS = 3660


class CountLoginsPerDay(Payload, frozen=True, rename={"from_": "from", "to": "to"}):
    from_: date
    to: date


async def count_logins_per_day(
    ctx: Context, query: CountLoginsPerDay, deps: Deps
) -> dict[str, Any]:
    """One point per day from `from` to `to` inclusive, zero where nobody logged in."""
    days = (query.to - query.from_).days + 1
    if not 1 <= days <= MAX_DAYS:
        raise InvalidPayload(
            {"from": str(query.from_), "to": str(query.to)}, key="analytics.bad-range"
        )
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(
            "select day, logins from login_days where day between $1 and $2", query.from_, query.to
        )
    counts = {row["day"]: row["logins"] for row in rows}
    series = [
        {
            "day": (query.from_ + timedelta(n)).isoformat(),
            "count": counts.get(query.from_ + timedelta(n), 0),
        }
        for n in range(days)
    ]
    return {"series": series}

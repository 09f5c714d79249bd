"""Cron-like schedules of login extracts (UTC), and claiming the extracts that are due.

Claiming moves each due source's next run forward in the same statement that
finds it (`for update skip locked`), so two schedulers never claim one run: the
loser skips the row. A claimed run that then fails waits for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from croniter import CroniterBadDateError, croniter

from ossature.modules.analytics.errors import BadSchedule

__all__ = ["DueExtract", "check_schedule", "claim_due", "next_run"]

_SOME_DAY = datetime(2000, 1, 1, tzinfo=UTC)

_DUE = """select s.tenant_id, s.source_name, s.schedule, t.root_folder_id
    from login_extract_schedule s join tenants t on t.tenant_id = s.tenant_id
    where s.next_run_at <= $1 order by s.next_run_at limit $2
    for update of s skip locked"""
_MOVE = """update login_extract_schedule set next_run_at = $3
    where tenant_id = $1 and source_name = $2"""


@dataclass(frozen=True)
class DueExtract:
    """A source whose extract is due, and the root folder of its tenant (its scope)."""

    tenant_id: str
    source: str
    root_folder_id: str


def next_run(schedule: str, after: datetime) -> datetime:
    """The first time after `after` that `schedule` names (UTC)."""
    return croniter(schedule, after.astimezone(UTC)).get_next(datetime)  # type: ignore[no-any-return]


def check_schedule(schedule: str) -> None:
    """BadSchedule unless `schedule` is five cron fields (or @daily and the like) that occur."""
    fields = schedule.split()
    shaped = len(fields) == 5 or (len(fields) == 1 and schedule.startswith("@"))
    if not shaped or not croniter.is_valid(schedule):
        raise BadSchedule({"schedule": schedule})
    try:
        next_run(schedule, _SOME_DAY)
    except (CroniterBadDateError, ValueError):
        raise BadSchedule({"schedule": schedule}) from None


async def claim_due(db: Any, now: datetime, limit: int = 100) -> list[DueExtract]:
    """The extracts due at `now` (at most `limit`), each moved to its next run."""
    async with db.transaction(None) as conn:
        rows = await conn.fetch(_DUE, now, limit)
        for row in rows:
            await conn.execute(
                _MOVE, row["tenant_id"], row["source_name"], next_run(row["schedule"], now)
            )
    return [DueExtract(r["tenant_id"], r["source_name"], r["root_folder_id"]) for r in rows]

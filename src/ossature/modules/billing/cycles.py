"""Billing cycles: a tenant's open cycle counts its operations against its plan's quota.

A cycle is a calendar month in UTC by default, [first day 00:00, next first day). At most one
is open per tenant (a unique index); closing one (its invoice) opens the next in the same
transaction (`open_next`). The meter adds to the open cycle's `used` in each metered
command's own statement (`ossature_meter_commit`, decision 74); this file opens and reads
cycles on a connection the caller owns, confined to the tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ossature.modules.tenancy.catalog import Plan

__all__ = ["Cycle", "cycle_id_of", "month_end", "month_start", "open_cycle", "open_next"]


@dataclass(frozen=True)
class Cycle:
    """A tenant's cycle as stored: its plan's name and quota (None: no limit), and how many
    operations it counted."""

    cycle_id: str
    starts_at: datetime
    ends_at: datetime
    plan: str
    quota: int | None
    used: int


_COLUMNS = "cycle_id, starts_at, ends_at, plan, quota, used"


def month_start(at: datetime) -> datetime:
    """The first instant (UTC) of the calendar month holding `at`."""
    utc = at.astimezone(UTC)
    return datetime(utc.year, utc.month, 1, tzinfo=UTC)


def month_end(at: datetime) -> datetime:
    """The first instant (UTC) of the calendar month after the one holding `at`."""
    utc = at.astimezone(UTC)
    return datetime(utc.year + utc.month // 12, utc.month % 12 + 1, 1, tzinfo=UTC)


def cycle_id_of(starts_at: datetime) -> str:
    """A cycle's id: its start in UTC, so that ids sort as cycles follow each other and
    opening the same cycle twice (a replay) finds it taken: `2026-12-01T00:00:00Z`."""
    utc = starts_at.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{utc.microsecond:06d}Z" if utc.microsecond else f"{text}Z"


async def open_cycle(conn: Any, tenant_id: str) -> Cycle | None:
    """The tenant's open cycle (under RLS: `conn` is confined to the tenant), or None."""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from billing_cycles where tenant_id = $1 and closed_at is null",  # noqa: S608
        tenant_id,
    )
    return None if row is None else Cycle(**dict(row))


async def open_next(conn: Any, tenant_id: str, starts_at: datetime, plan: Plan) -> Cycle:
    """Open the tenant's cycle from `starts_at` to the end of its calendar month, on `plan`,
    counting from 0. The caller has closed the previous one in the same transaction (a
    second open cycle is refused by the unique index)."""
    cycle = Cycle(cycle_id_of(starts_at), starts_at, month_end(starts_at), plan.name, plan.quota, 0)
    await conn.execute(
        "insert into billing_cycles (tenant_id, cycle_id, starts_at, ends_at, plan, quota, used)"
        " values ($1, $2, $3, $4, $5, $6, 0)",
        tenant_id,
        *(cycle.cycle_id, cycle.starts_at, cycle.ends_at, cycle.plan, cycle.quota),
    )
    return cycle

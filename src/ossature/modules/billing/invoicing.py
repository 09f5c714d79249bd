"""The invoicing rule, pure: a closed cycle's bounds, its metered operations per (module,
folder) and the plan's terms give the invoice's lines and total (decisions 78 and 79).

total = base + consumption, where the base is the plan's fee prorated to the cycle's share of
its calendar month (half to even), and consumption = ⌈max(0, operations - included) / block⌉
block prices. The consumption is allocated over the operations lines in proportion to their
operations by the largest-remainder method, so the lines sum to the total exactly, and the
lines' operations sum to the metered count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from ossature.kernel.money import Money, allocate, prorate
from ossature.modules.tenancy.catalog import Plan

__all__ = ["Bill", "Line", "Terms", "Usage", "bill", "month_of"]

_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Terms:
    """What a plan charged, as it was when the invoice was issued (the catalog may change)."""

    plan: str
    base_fee: Money
    included: int
    block_operations: int
    block_price: Money

    @classmethod
    def of(cls, plan: Plan) -> Terms:
        return cls(
            plan.name,
            plan.base_fee,
            plan.included_operations,
            plan.block.operations,
            plan.block.price,
        )


@dataclass(frozen=True)
class Usage:
    """The operations metered in one module at one folder during the cycle."""

    module: str
    folder_id: str | None
    operations: int


@dataclass(frozen=True)
class Line:
    """One line of an invoice: the base fee, or one (module, folder)'s operations and their
    share of the consumption."""

    line_id: str
    kind: Literal["base", "operations"]
    module: str | None
    folder_id: str | None
    operations: int
    amount: Money


@dataclass(frozen=True)
class Bill:
    terms: Terms
    base: Money  # the base fee charged: prorated to the cycle
    operations: int
    blocks: int
    consumption: Money
    total: Money
    lines: tuple[Line, ...]


def month_of(at: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) that holds `at`: its first instant and the next month's."""
    at = at.astimezone(UTC)
    first = datetime(at.year, at.month, 1, tzinfo=UTC)
    following = datetime(at.year + at.month // 12, at.month % 12 + 1, 1, tzinfo=UTC)
    return first, following


def bill(terms: Terms, starts_at: datetime, ends_at: datetime, usage: Sequence[Usage]) -> Bill:
    """The invoice of a cycle [starts_at, ends_at) within one calendar month."""
    rows = sorted((u for u in usage if u.operations > 0), key=_order)
    operations = sum(u.operations for u in rows)
    blocks = _blocks(operations - terms.included, terms.block_operations)
    consumption = terms.block_price.times(blocks)
    base = _base(terms.base_fee, starts_at, ends_at)
    shares = allocate(consumption, [u.operations for u in rows]) if rows else []
    lines = (
        Line("1", "base", None, None, 0, base),
        *(
            Line(str(n), "operations", u.module, u.folder_id, u.operations, share)
            for n, (u, share) in enumerate(zip(rows, shares, strict=True), start=2)
        ),
    )
    return Bill(terms, base, operations, blocks, consumption, base + consumption, lines)


def _order(usage: Usage) -> tuple[str, str]:
    return usage.module, usage.folder_id or ""


def _blocks(beyond: int, size: int) -> int:
    """The blocks `beyond` operations start (a started block counts); none below zero."""
    return -(-max(0, beyond) // size)


def _base(fee: Money, starts_at: datetime, ends_at: datetime) -> Money:
    """The base fee for the cycle's share of its calendar month."""
    first, following = month_of(starts_at)
    if ends_at <= starts_at:
        return Money.zero(fee.currency)
    cycle = min(ends_at, following) - starts_at
    return prorate(fee, cycle // _MICROSECOND, (following - first) // _MICROSECOND)

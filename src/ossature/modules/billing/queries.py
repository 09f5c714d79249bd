"""Queries of the billing module: usage, rolled up the tenant's folder tree (decision 76)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.billing.usage import FolderCount, in_tree_order, roll_up, span_of
from ossature.modules.tenancy.projections import root_folder_of

__all__ = ["GetUsage", "UsageAnswer", "UsageRow", "get_usage", "tenant_root"]

Instant = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class GetUsage(Payload, frozen=True):
    """The operations metered from `from` (included) to `to` (excluded), ISO dates or
    datetimes (UTC unless they say otherwise), at most 400 days apart."""

    start: Instant = msgspec.field(name="from")
    end: Instant = msgspec.field(name="to")
    group_by: Literal["folder", "module", "command"]


class UsageRow(TypedDict):
    key: str  # the folder's id, or the module's or command's name
    name: str
    parentId: str | None  # a folder's parent (null for the root, a module or a command)
    count: int  # a folder's: its own operations and every descendant's


UsageAnswer = TypedDict(
    "UsageAnswer",
    {"from": str, "to": str, "groupBy": str, "total": int, "rows": list[UsageRow]},
)


async def tenant_root(ctx: Context, query: GetUsage, deps: Deps) -> str:
    """The tenant's root folder: usage is the whole tenant's, read by whoever may read
    billing there."""
    return await root_folder_of(deps, ctx)


async def get_usage(ctx: Context, query: GetUsage, deps: Deps) -> UsageAnswer:
    begins, ends = span_of(query.start, query.end)
    # One statement (live/billing_usage.sql): the invocation's one round trip.
    found = await deps.db.call(ctx.tenant_id, "billing_usage", begins, ends, query.group_by)
    if query.group_by == "folder":
        total, rows = _by_folder(found)
    else:
        total, rows = _by_name(found)
    return {
        "from": begins.isoformat(),
        "to": ends.isoformat(),
        "groupBy": query.group_by,
        "total": total,
        "rows": rows,
    }


def _by_folder(found: Sequence[Any]) -> tuple[int, list[UsageRow]]:
    folders = [
        FolderCount(row["row_key"], row["row_name"], row["row_parent"], row["row_own"])
        for row in found
    ]
    counts = roll_up(folders)
    rows: list[UsageRow] = [
        {"key": f.folder_id, "name": f.name, "parentId": f.parent_id, "count": counts[f.folder_id]}
        for f in in_tree_order(folders)
    ]
    return sum(folder.own for folder in folders), rows


def _by_name(found: Sequence[Any]) -> tuple[int, list[UsageRow]]:
    rows: list[UsageRow] = [
        {"key": row["row_key"], "name": row["row_name"], "parentId": None, "count": row["row_own"]}
        for row in found
    ]
    return sum(row["count"] for row in rows), rows

"""Queries of the tenancy module."""

from __future__ import annotations

from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload

__all__ = ["ListFolders", "list_folders"]


class ListFolders(Payload, frozen=True):
    pass


async def list_folders(ctx: Context, query: ListFolders, deps: Deps) -> dict[str, Any]:
    """The folders the actor may read, with their ancestors so that a tree can be drawn."""
    visible = await deps.access.visible_folders(ctx, "folders.read")
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(
            "select folder_id, name, parent_id, chain from folders order by cardinality(chain), name"
        )
    shown = {folder for row in rows if row["folder_id"] in visible for folder in row["chain"]}
    folders = [
        {"folderId": row["folder_id"], "name": row["name"], "parentId": row["parent_id"]}
        for row in rows
        if row["folder_id"] in shown
    ]
    return {"folders": folders}

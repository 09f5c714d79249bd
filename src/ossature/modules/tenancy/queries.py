"""Queries of the tenancy module."""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload

__all__ = ["FolderView", "ListFolders", "ListFoldersAnswer", "list_folders"]


class ListFolders(Payload, frozen=True):
    pass


class FolderView(TypedDict):
    folderId: str
    name: str
    parentId: str | None


class ListFoldersAnswer(TypedDict):
    folders: list[FolderView]


async def list_folders(ctx: Context, query: ListFolders, deps: Deps) -> ListFoldersAnswer:
    """The folders the actor may read, with their ancestors so that a tree can be drawn."""
    visible = await deps.access.visible_folders(ctx, "folders.read")
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(
            "select folder_id, name, parent_id, chain from folders order by cardinality(chain), name"
        )
    shown = {folder for row in rows if row["folder_id"] in visible for folder in row["chain"]}
    folders: list[FolderView] = [
        {"folderId": row["folder_id"], "name": row["name"], "parentId": row["parent_id"]}
        for row in rows
        if row["folder_id"] in shown
    ]
    return {"folders": folders}

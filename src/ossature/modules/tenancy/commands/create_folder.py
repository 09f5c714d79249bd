"""create-folder: a new folder under a parent; sibling folders have distinct names."""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.modules.tenancy.errors import FolderNameTaken
from ossature.modules.tenancy.events import FolderCreated
from ossature.modules.tenancy.fields import Name

__all__ = ["CreateFolder", "CreateFolderAnswer", "create_folder", "parent_of"]


class CreateFolder(Payload, frozen=True):
    parent_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    name: Name


class CreateFolderAnswer(TypedDict):
    folderId: str


async def create_folder(ctx: Context, cmd: CreateFolder, deps: Deps) -> CreateFolderAnswer:
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        taken = await conn.fetchval(
            "select exists(select 1 from folders where parent_id = $1 and name = $2)",
            cmd.parent_id,
            cmd.name,
        )
    if taken:
        raise FolderNameTaken({"name": cmd.name})
    folder_id = new_id()
    event = FolderCreated(folder_id=folder_id, parent_id=cmd.parent_id, folder_name=cmd.name)
    deps.uow.append("folder", folder_id, 0, [event])
    return {"folderId": folder_id}


async def parent_of(ctx: Context, cmd: CreateFolder, deps: Deps) -> str:
    """The folder a new folder goes under: the scope of its authorization."""
    return cmd.parent_id

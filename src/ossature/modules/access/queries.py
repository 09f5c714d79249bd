"""Queries of the access module."""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload

__all__ = ["MyPermissions", "MyPermissionsAnswer", "my_permissions"]


class MyPermissions(Payload, frozen=True):
    folder_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class MyPermissionsAnswer(TypedDict):
    folderId: str
    actions: list[str]


async def my_permissions(ctx: Context, query: MyPermissions, deps: Deps) -> MyPermissionsAnswer:
    """The actions the actor may perform at a folder, for a front end to show or hide controls."""
    actions = await deps.access.actions_at(ctx, query.folder_id)
    return {"folderId": query.folder_id, "actions": sorted(actions)}

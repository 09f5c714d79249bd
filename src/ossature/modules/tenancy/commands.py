"""Commands of the tenancy module: create a tenant, create a folder."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.modules.tenancy.errors import FolderNameTaken, TenantSlugTaken
from ossature.modules.tenancy.events import FolderCreated, TenantCreated
from ossature.modules.tenancy.projections import tenant_by_slug

__all__ = ["CreateFolder", "CreateTenant", "create_folder", "create_tenant", "parent_of"]

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=r"\S")]
Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class CreateTenant(Payload, frozen=True):
    slug: Slug
    display_name: Name
    root_folder_name: Name = "Global"


class CreateFolder(Payload, frozen=True):
    parent_id: Id
    name: Name


async def create_tenant(ctx: Context, cmd: CreateTenant, deps: Deps) -> dict[str, Any]:
    async with deps.db.transaction(None, readonly=True) as conn:
        if await tenant_by_slug(conn, cmd.slug):
            raise TenantSlugTaken({"slug": cmd.slug})
    tenant_id, root_id = new_id(), new_id()
    deps.uow.use_tenant(tenant_id)
    created = TenantCreated(
        tenant_id=tenant_id, slug=cmd.slug, display_name=cmd.display_name, root_folder_id=root_id
    )
    deps.uow.append("tenant", tenant_id, 0, [created])
    root = FolderCreated(folder_id=root_id, parent_id=None, folder_name=cmd.root_folder_name)
    deps.uow.append("folder", root_id, 0, [root])
    return {"tenantId": tenant_id, "rootFolderId": root_id}


async def create_folder(ctx: Context, cmd: CreateFolder, deps: Deps) -> dict[str, Any]:
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

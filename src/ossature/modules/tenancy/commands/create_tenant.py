"""create-tenant: a new tenant and its root folder, for platform operators."""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.tenancy.errors import TenantSlugTaken
from ossature.modules.tenancy.events import FolderCreated
from ossature.modules.tenancy.fields import Name
from ossature.modules.tenancy.projections import tenant_by_slug
from ossature.modules.tenancy.regions import Region, region_of

__all__ = ["CreateTenant", "CreateTenantAnswer", "TenantCreated", "create_tenant"]


class CreateTenant(Payload, frozen=True):
    slug: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    display_name: Name
    root_folder_name: Name = "Global"
    # ISO 3166-1 alpha-2: where requirements vary by country, the tenant's decides
    country: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")] | None = None
    region: Region | None = None  # where its data is meant to live; None: the default


class TenantCreated(Event, frozen=True):
    name = "tenant-created"

    tenant_id: str
    slug: str
    display_name: str
    root_folder_id: str
    country: str | None = None
    region: str | None = None  # None: written before regions, in the first region (eu)


class CreateTenantAnswer(TypedDict):
    tenantId: str
    rootFolderId: str
    region: str


async def create_tenant(ctx: Context, cmd: CreateTenant, deps: Deps) -> CreateTenantAnswer:
    async with deps.db.transaction(None, readonly=True) as conn:
        if await tenant_by_slug(conn, cmd.slug):
            raise TenantSlugTaken({"slug": cmd.slug})
    tenant_id, root_id, region = new_id(), new_id(), region_of(deps, cmd.region)
    deps.uow.use_tenant(tenant_id)
    created = TenantCreated(
        tenant_id=tenant_id,
        slug=cmd.slug,
        display_name=cmd.display_name,
        root_folder_id=root_id,
        country=cmd.country,
        region=region,
    )
    deps.uow.append("tenant", tenant_id, 0, [created])
    root = FolderCreated(folder_id=root_id, parent_id=None, folder_name=cmd.root_folder_name)
    deps.uow.append("folder", root_id, 0, [root])
    return {"tenantId": tenant_id, "rootFolderId": root_id, "region": region}

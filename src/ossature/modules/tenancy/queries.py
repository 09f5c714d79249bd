"""Queries of the tenancy module."""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.tenancy.projections import root_folder_of, security_policy_of

__all__ = [
    "FolderView",
    "GetTenantSecurityPolicy",
    "ListFolders",
    "ListFoldersAnswer",
    "TenantSecurityPolicy",
    "get_tenant_security_policy",
    "list_folders",
    "root_of_tenant",
]


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


class GetTenantSecurityPolicy(Payload, frozen=True):
    pass


class TenantSecurityPolicy(TypedDict):
    requireMfa: bool
    allowedIpRanges: list[str]
    version: int


async def get_tenant_security_policy(
    ctx: Context, query: GetTenantSecurityPolicy, deps: Deps
) -> TenantSecurityPolicy:
    """The tenant's security policy (version 0 and nothing required when never set)."""
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        policy = await security_policy_of(conn)
    return {
        "requireMfa": policy["require_mfa"],
        "allowedIpRanges": list(policy["allowed_ip_ranges"]),
        "version": policy["version"],
    }


async def root_of_tenant(ctx: Context, query: GetTenantSecurityPolicy, deps: Deps) -> str:
    """The tenant's root folder: its policy is read there."""
    return await root_folder_of(deps, ctx)

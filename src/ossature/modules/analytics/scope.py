"""Where the analytics module's commands are authorized: the tenant's root folder."""

from __future__ import annotations

from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps

__all__ = ["tenant_root"]


async def tenant_root(ctx: Context, payload: Any, deps: Deps) -> str:
    """The actor's tenant's root folder: the scope of tenant-wide settings."""
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        root = await conn.fetchval(
            "select root_folder_id from tenants where tenant_id = $1", ctx.tenant_id
        )
    return str(root or "")

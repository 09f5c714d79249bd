"""The tenancy directory: tenants and folder trees, projected inline (commands depend on them)."""

from __future__ import annotations

from typing import Any

from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection

__all__ = ["DIRECTORY", "chain_of", "folder_chains", "tenant_by_slug"]


async def _tenant_created(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into tenants (tenant_id, slug, display_name, root_folder_id) values ($1, $2, $3, $4)",
        p["tenantId"],
        p["slug"],
        p["displayName"],
        p["rootFolderId"],
    )


async def _folder_created(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    parent_chain = await chain_of(conn, p["parentId"]) if p["parentId"] else []
    await conn.execute(
        "insert into folders (tenant_id, folder_id, parent_id, name, chain)"
        " values ($1, $2, $3, $4, $5)",
        envelope.tenant_id,
        p["folderId"],
        p["parentId"],
        p["folderName"],
        [p["folderId"], *(parent_chain or [])],
    )


DIRECTORY = Projection(
    name="tenancy-directory",
    handlers={"tenant-created": _tenant_created, "folder-created": _folder_created},
    tables=("folders", "tenants"),
    inline=True,
)


async def chain_of(conn: Any, folder_id: str) -> list[str] | None:
    """The folder and its ancestors up to the root, or None when not in this tenant."""
    chain = await conn.fetchval("select chain from folders where folder_id = $1", folder_id)
    return None if chain is None else list(chain)


async def folder_chains(conn: Any) -> dict[str, list[str]]:
    """Every folder of the current tenant with its chain."""
    rows = await conn.fetch("select folder_id, chain from folders")
    return {row["folder_id"]: list(row["chain"]) for row in rows}


async def tenant_by_slug(conn: Any, slug: str) -> dict[str, Any] | None:
    """The directory entry of a tenant."""
    row = await conn.fetchrow("select * from tenants where slug = $1", slug)
    return None if row is None else dict(row)

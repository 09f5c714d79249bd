"""The tenancy directory: tenants and folder trees, projected inline (commands depend on them)."""

from __future__ import annotations

from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from ossature.modules.tenancy.regions import FIRST_REGION

__all__ = [
    "DIRECTORY",
    "SECURITY",
    "SUBSCRIPTIONS",
    "chain_of",
    "folder_chains",
    "root_folder_of",
    "security_policy_of",
    "tenant_by_slug",
]


async def _tenant_created(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into tenants (tenant_id, slug, display_name, root_folder_id, country, region)"
        " values ($1, $2, $3, $4, $5, $6)",
        p["tenantId"],
        p["slug"],
        p["displayName"],
        p["rootFolderId"],
        p.get("country"),
        p.get("region") or FIRST_REGION,
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


async def root_folder_of(deps: Deps, ctx: Context) -> str:
    """The root folder of the actor's tenant."""
    async with deps.db.transaction(None, readonly=True) as conn:
        root = await conn.fetchval(
            "select root_folder_id from tenants where tenant_id = $1", ctx.tenant_id
        )
    return str(root)


async def _security_policy_set(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    await conn.execute(
        "insert into tenant_security (tenant_id, require_mfa, allowed_ip_ranges, version)"
        " values ($1, $2, $3::cidr[], $4) on conflict (tenant_id) do update"
        " set require_mfa = $2, allowed_ip_ranges = $3::cidr[], version = $4",
        envelope.tenant_id,
        p["requireMfa"],
        p["allowedIpRanges"],
        envelope.stream_version,
    )


SECURITY = Projection(
    name="tenancy-security",
    handlers={"tenant-security-policy-set": _security_policy_set},
    tables=("tenant_security",),
    inline=True,  # enforced from the next invocation on: log-in and the perimeter read it
)


async def _subscription_changed(conn: Any, envelope: Envelope, update: str, *args: Any) -> None:
    """The tenant's row, made at its first change, then `update` (whose parameters are the
    tenant, the stream's version, then `args`)."""
    await conn.execute(
        "insert into tenant_subscriptions (tenant_id, version) values ($1, 0)"
        " on conflict (tenant_id) do nothing",
        envelope.tenant_id,
    )
    await conn.execute(update, envelope.tenant_id, envelope.stream_version, *args)


async def _plan_set(conn: Any, envelope: Envelope) -> None:
    update = "update tenant_subscriptions set plan = $3, version = $2 where tenant_id = $1"
    await _subscription_changed(conn, envelope, update, envelope.payload["plan"])


async def _module_enabled(conn: Any, envelope: Envelope) -> None:
    update = (
        "update tenant_subscriptions set version = $2,"
        " enabled = array_append(array_remove(enabled, $3::text), $3::text),"
        " disabled = array_remove(disabled, $3::text) where tenant_id = $1"
    )
    await _subscription_changed(conn, envelope, update, envelope.payload["module"])


async def _module_disabled(conn: Any, envelope: Envelope) -> None:
    update = (
        "update tenant_subscriptions set version = $2,"
        " disabled = array_append(array_remove(disabled, $3::text), $3::text),"
        " enabled = array_remove(enabled, $3::text) where tenant_id = $1"
    )
    await _subscription_changed(conn, envelope, update, envelope.payload["module"])


async def _feature_set(conn: Any, envelope: Envelope) -> None:
    p = envelope.payload
    update = (
        "update tenant_subscriptions set version = $2,"
        " features = features || jsonb_build_object($3::text, $4::jsonb) where tenant_id = $1"
    )
    await _subscription_changed(conn, envelope, update, p["feature"], p["value"])


SUBSCRIPTIONS = Projection(
    name="tenancy-subscriptions",
    handlers={
        "tenant-plan-set": _plan_set,
        "module-enabled": _module_enabled,
        "module-disabled": _module_disabled,
        "tenant-feature-set": _feature_set,
    },
    tables=("tenant_subscriptions",),
    inline=True,  # the gate reads it: a change holds from the next invocation on
)


async def security_policy_of(conn: Any) -> dict[str, Any]:
    """The current tenant's security policy: `require_mfa`, `allowed_ip_ranges` (CIDR
    strings) and `version` (0 when never set)."""
    row = await conn.fetchrow(
        "select require_mfa, allowed_ip_ranges::text[] as allowed_ip_ranges, version"
        " from tenant_security"
    )
    if row is None:
        return {"require_mfa": False, "allowed_ip_ranges": [], "version": 0}
    return dict(row)

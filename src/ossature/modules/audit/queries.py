"""Queries of the audit module."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload

__all__ = ["ListAuditEntries", "list_audit_entries"]


class ListAuditEntries(Payload, frozen=True):
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    actor_id: str | None = None


_SELECT = """select invocation_id, kind, name, actor_id, outcome, status, message_key, context,
    recorded_at from audit_entries where ($1::text is null or actor_id = $1)
    order by recorded_at desc, entry_id desc limit $2"""


async def list_audit_entries(ctx: Context, query: ListAuditEntries, deps: Deps) -> dict[str, Any]:
    """An actor sees their own entries; one who may read all (tenant-admin) sees the tenant's."""
    assert ctx.access is not None
    root_scopes = [grant.folder_id for grant in ctx.access.grants]
    everyone = await deps.access.allows_anywhere(ctx, "audit.read-all", root_scopes)
    actor = query.actor_id if everyone else ctx.access.account_id
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(_SELECT, actor, query.limit)
    return {"entries": [_entry(row) for row in rows]}


def _entry(row: Any) -> dict[str, Any]:
    return {
        "invocationId": row["invocation_id"],
        "kind": row["kind"],
        "name": row["name"],
        "actorId": row["actor_id"],
        "outcome": row["outcome"],
        "status": row["status"],
        "messageKey": row["message_key"],
        "context": row["context"],
        "recordedAt": row["recorded_at"].isoformat(),
    }

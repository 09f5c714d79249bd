"""Queries of the audit module."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload

__all__ = ["AuditEntryView", "ListAuditEntries", "ListAuditEntriesAnswer", "list_audit_entries"]


class ListAuditEntries(Payload, frozen=True):
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    actor_id: str | None = None


# Two statements, not one with `$1 is null or actor_id = $1`: each then has one plan that
# suits every call, walking its own index (the app pool keeps generic plans: decision 17).
_COLUMNS = """select invocation_id, kind, name, actor_id, on_behalf_of, outcome, status,
    message_key, context, recorded_at, repeat_of from audit_entries"""
_ORDER = " order by recorded_at desc, entry_id desc limit $1"
_ALL = _COLUMNS + _ORDER
_BY_ACTOR = _COLUMNS + " where actor_id = $2" + _ORDER


class AuditEntryView(TypedDict):
    invocationId: str
    kind: str
    name: str
    actorId: str | None
    onBehalfOf: str | None
    mechanism: str | None  # session, personal-access-token, api-key, internal; None: anonymous
    credentialId: str | None  # the session's, token's or key's id
    outcome: str
    status: int
    messageKey: str | None
    context: dict[str, Any]
    recordedAt: str
    repeatOf: str | None


class ListAuditEntriesAnswer(TypedDict):
    entries: list[AuditEntryView]


async def list_audit_entries(
    ctx: Context, query: ListAuditEntries, deps: Deps
) -> ListAuditEntriesAnswer:
    """An actor sees their own entries (those an operator made impersonating them included,
    `onBehalfOf` naming the operator); one who may read all (tenant-admin) sees the tenant's."""
    assert ctx.access is not None
    root_scopes = [grant.folder_id for grant in ctx.access.grants]
    everyone = await deps.access.allows_anywhere(ctx, "audit.read-all", root_scopes)
    actor = query.actor_id if everyone else ctx.access.account_id
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        if actor is None:
            rows = await conn.fetch(_ALL, query.limit)
        else:
            rows = await conn.fetch(_BY_ACTOR, query.limit, actor)
    return {"entries": [_entry(row) for row in rows]}


def _entry(row: Any) -> AuditEntryView:
    access = row["context"].get("access") or {}
    return {
        "invocationId": row["invocation_id"],
        "kind": row["kind"],
        "name": row["name"],
        "actorId": row["actor_id"],
        "onBehalfOf": row["on_behalf_of"],
        "mechanism": access.get("mechanism"),
        "credentialId": access.get("credentialId"),
        "outcome": row["outcome"],
        "status": row["status"],
        "messageKey": row["message_key"],
        "context": row["context"],
        "recordedAt": row["recorded_at"].isoformat(),
        "repeatOf": row["repeat_of"],
    }

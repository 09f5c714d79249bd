"""Queries of the audit module: the entries an actor may read, filtered and paged, and one
entry with its whole invocation context."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.audit._filters import Filters, Page, cursor_of, page_statement, upper_bound
from ossature.modules.audit.errors import BadDateRange, EntryNotFound

__all__ = [
    "AuditEntryView",
    "GetAuditEntry",
    "ListAuditEntries",
    "ListAuditEntriesAnswer",
    "get_audit_entry",
    "list_audit_entries",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Outcome = Literal["allowed", "denied", "unauthenticated", "failed"]


class ListAuditEntries(
    Payload,
    frozen=True,
    rename={
        "limit": "limit",
        "actor_id": "actorId",
        "name": "name",
        "outcome": "outcome",
        "from_": "from",
        "to": "to",
        "cursor": "cursor",
    },
):
    """Filters combine (and); `from` and `to` are days (UTC), both included; `cursor` is
    the `nextCursor` of the page before."""

    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100
    actor_id: Id | None = None
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    outcome: Outcome | None = None
    from_: date | None = None
    to: date | None = None
    cursor: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None


class GetAuditEntry(Payload, frozen=True):
    invocation_id: Id


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
    nextCursor: str | None  # None: this page is the last


async def list_audit_entries(
    ctx: Context, query: ListAuditEntries, deps: Deps
) -> ListAuditEntriesAnswer:
    """An actor sees their own entries (those an operator made impersonating them included,
    `onBehalfOf` naming the operator); one who may read all (tenant-admin) sees the tenant's.
    An actor filter naming another account than one's own, without that right: no entry."""
    if query.from_ and query.to and query.from_ > query.to:
        raise BadDateRange({"from": query.from_.isoformat(), "to": query.to.isoformat()})
    own = await _own_only(ctx, deps)
    if own is not None and query.actor_id not in (None, own):
        return {"entries": [], "nextCursor": None}
    filters = Filters(own or query.actor_id, query.name, query.outcome)
    page = Page(query.from_, upper_bound(query.to, query.cursor), query.limit + 1)
    statement, arguments = page_statement(filters, page)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(statement, *arguments)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {
        "entries": [_entry(row) for row in rows],
        "nextCursor": cursor_of(rows[-1]) if more else None,
    }


_ONE = """select invocation_id, kind, name, actor_id, on_behalf_of, outcome, status,
    message_key, context, recorded_at, repeat_of from audit_entries
    where invocation_id = $1 and ($2::text is null or actor_id = $2)
    order by entry_id desc limit 1"""


async def get_audit_entry(ctx: Context, query: GetAuditEntry, deps: Deps) -> AuditEntryView:
    """One entry by its invocation id, under the list's rule: someone else's entry, for one
    who may not read all, is not found, as if it did not exist."""
    own = await _own_only(ctx, deps)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        row = await conn.fetchrow(_ONE, query.invocation_id, own)
    if row is None:
        raise EntryNotFound({"invocationId": query.invocation_id})
    return _entry(row)


async def _own_only(ctx: Context, deps: Deps) -> str | None:
    """The actor's own id when they may read only their own entries; None: everyone's."""
    assert ctx.access is not None
    root_scopes = [grant.folder_id for grant in ctx.access.grants]
    everyone = await deps.access.allows_anywhere(ctx, "audit.read-all", root_scopes)
    return None if everyone else ctx.access.account_id


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

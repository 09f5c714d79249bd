"""Idempotency records: (tenant, actor, external invocation id) → the first outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ossature.kernel.errors import InvalidPayload

__all__ = ["IdempotencyKey", "IdempotencyKeyReused", "lookup", "record"]


class IdempotencyKeyReused(InvalidPayload):
    """The client sent an Idempotency-Key it already used for another command."""

    key = "errors.idempotency-key-reused"


@dataclass(frozen=True)
class IdempotencyKey:
    """The key of an invocation: a client-made id, scoped to its tenant and actor."""

    tenant_id: str
    actor_id: str
    key: str


async def lookup(conn: Any, key: IdempotencyKey, command: str) -> dict[str, Any] | None:
    """The outcome recorded for `key`, if any."""
    row = await conn.fetchrow(
        "select command, outcome from idempotency_records"
        " where tenant_id = $1 and actor_id = $2 and key = $3",
        key.tenant_id,
        key.actor_id,
        key.key,
    )
    if row is None:
        return None
    if row["command"] != command:
        raise IdempotencyKeyReused({"command": row["command"]})
    return dict(row["outcome"])


async def record(
    conn: Any, key: IdempotencyKey, command: str, invocation_id: str, outcome: dict[str, Any]
) -> bool:
    """Record the outcome; False when another invocation with the same key recorded first.

    A concurrent insert of the same key waits for the first transaction to end,
    so False means the first outcome is committed and can be read.
    """
    inserted = await conn.fetchval(
        "insert into idempotency_records (tenant_id, actor_id, key, command, invocation_id, outcome)"
        " values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning true",
        key.tenant_id,
        key.actor_id,
        key.key,
        command,
        invocation_id,
        outcome,
    )
    return bool(inserted)

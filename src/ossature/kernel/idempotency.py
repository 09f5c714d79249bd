"""Idempotency records: (tenant, actor, external invocation id) → the first outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ossature.kernel.errors import InvalidPayload

__all__ = ["IdempotencyKey", "IdempotencyKeyReused", "IdempotencyRecord", "Repeated", "lookup"]


class IdempotencyKeyReused(InvalidPayload):
    """The client sent an Idempotency-Key it already used for another command."""

    key = "errors.idempotency-key-reused"


class Repeated(Exception):
    """The invocation's key was recorded before: its first outcome is the answer.

    Raised inside the invocation's transaction so that the transaction rolls back and
    nothing the repeat did is kept.
    """

    def __init__(self, outcome: dict[str, Any]) -> None:
        super().__init__("the idempotency key was recorded before")
        self.outcome = outcome


@dataclass(frozen=True)
class IdempotencyKey:
    """The key of an invocation: a client-made id, scoped to its tenant and actor."""

    tenant_id: str
    actor_id: str
    key: str


@dataclass(frozen=True)
class IdempotencyRecord:
    """What is kept under a key: the command, the invocation that ran it, its outcome."""

    key: IdempotencyKey
    command: str
    invocation_id: str
    outcome: dict[str, Any]


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

"""Idempotency records: (tenant, actor, external invocation id) → the first outcome."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b
from typing import Any

import msgspec

from ossature.kernel.errors import InvalidPayload
from ossature.kernel.sensitive import Personal, enc_hook, secret_fields

__all__ = [
    "IdempotencyKey",
    "IdempotencyKeyReused",
    "IdempotencyRecord",
    "Repeated",
    "fingerprint",
    "lookup",
    "refuse_reuse",
]


class IdempotencyKeyReused(InvalidPayload):
    """The client sent an Idempotency-Key it already used for another command or payload."""

    key = "errors.idempotency-key-reused"


@dataclass(frozen=True)
class IdempotencyKey:
    """The key of an invocation: a client-made id, scoped to its tenant and actor."""

    tenant_id: str
    actor_id: str
    key: str


@dataclass(frozen=True)
class IdempotencyRecord:
    """What is kept under a key: the command, the invocation that ran it, its outcome, and
    its payload's fingerprint (empty: none, which any payload matches)."""

    key: IdempotencyKey
    command: str
    invocation_id: str
    outcome: dict[str, Any]
    fingerprint: str = ""


class Repeated(Exception):
    """The invocation's key was recorded before: its first outcome is the answer.

    Raised inside the invocation's transaction so that the transaction rolls back and
    nothing the repeat did is kept. `record` names the invocation that ran the command.
    """

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("the idempotency key was recorded before")
        self.record = record

    @property
    def outcome(self) -> dict[str, Any]:
        """The first outcome."""
        return self.record.outcome


def fingerprint(payload: msgspec.Struct) -> str:
    """A digest of a command's payload, its Secret fields blanked: what a repeat of its key
    must match. A secret (a password) never reaches the record, not even as a fast hash."""
    secret = secret_fields(type(payload))
    if secret:
        payload = msgspec.structs.replace(payload, **dict.fromkeys(secret, ""))
    return blake2b(_encoder.encode(payload), digest_size=16).hexdigest()


def _revealed(value: Any) -> Any:
    if isinstance(value, Personal):  # a different address is a different payload
        return value.reveal()
    return enc_hook(value)


_encoder = msgspec.json.Encoder(enc_hook=_revealed)


async def lookup(
    conn: Any, key: IdempotencyKey, command: str, fingerprint: str = ""
) -> IdempotencyRecord | None:
    """The record kept under `key`, if any; IdempotencyKeyReused when it is another command's,
    or another payload's (both fingerprints known and different)."""
    row = await conn.fetchrow(
        "select command, invocation_id, outcome, fingerprint from idempotency_records"
        " where tenant_id = $1 and actor_id = $2 and key = $3",
        key.tenant_id,
        key.actor_id,
        key.key,
    )
    if row is None:
        return None
    recorded = IdempotencyRecord(
        key, row["command"], row["invocation_id"], dict(row["outcome"]), row["fingerprint"] or ""
    )
    refuse_reuse(recorded, command, fingerprint)
    return recorded


def refuse_reuse(recorded: IdempotencyRecord, command: str, fingerprint: str) -> None:
    """IdempotencyKeyReused unless `recorded` may answer `command` sent with `fingerprint`."""
    if recorded.command != command or (
        fingerprint and recorded.fingerprint and fingerprint != recorded.fingerprint
    ):
        raise IdempotencyKeyReused({"command": recorded.command})

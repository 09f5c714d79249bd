"""Invocations answered 5xx, kept sealed for a bounded time so that a report can retry them.

The pipeline keeps one (`KeptInvocations.keep`) after answering it with a 5xx: its kind,
name, status, external invocation id (the client's Idempotency-Key) and its payload, sealed
with the support key and bound to the tenant, the invocation and the actor. A command that
marks secret fields (a password, a token) is kept without its payload: no secret is ever
written down, and such an invocation cannot be retried. Kept seven days; each keep deletes
the tenant's expired rows (decision 64).

`Retries` is how report-problem runs the invocation again: the runtime gives it the
pipeline's door, so the retry is an invocation like any (authorized, audited, idempotent).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.ids import new_id
from ossature.kernel.sealing import Sealer, Unsealable

__all__ = ["KEPT_FOR", "Kept", "KeptInvocations", "Retried", "Retries", "retry_context"]

KEPT_FOR = timedelta(days=7)

_KEEP = """insert into kept_invocations (tenant_id, invocation_id, external_invocation_id,
    actor_id, kind, name, status, sealed_payload, kept_until)
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing"""
_EXPIRED = "delete from kept_invocations where tenant_id = $1 and kept_until < $2"
_FIND = """select invocation_id, external_invocation_id, actor_id, kind, name, status,
    sealed_payload, kept_until from kept_invocations where invocation_id = $1"""


@dataclass(frozen=True)
class Kept:
    """A kept invocation; `payload` None when it held a secret field (or no longer opens)."""

    invocation_id: str
    external_invocation_id: str
    actor_id: str
    kind: str
    name: str
    status: int
    payload: Mapping[str, Any] | None
    kept_until: datetime


class KeptInvocations:
    """Keeps and finds failed invocations, their payloads sealed with `sealer`."""

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer

    async def keep(
        self, db: Database, ctx: Context, kind: str, name: str, status: int, payload: Any
    ) -> None:
        """Keep the invocation of `ctx` (one with an actor); `payload` None: a secret one."""
        assert ctx.access is not None
        tenant, invocation = ctx.access.tenant_id, ctx.trace.invocation_id
        sealed = None
        if payload is not None:
            text = msgspec.json.encode(payload).decode()
            sealed = self.sealer.seal(_binding(tenant, invocation, ctx.access.account_id), text)
        now = datetime.now(UTC)
        async with db.transaction(tenant) as conn:
            await conn.execute(_EXPIRED, tenant, now)
            await conn.execute(
                _KEEP,
                tenant,
                invocation,
                ctx.trace.external_invocation_id,
                ctx.access.account_id,
                kind,
                name,
                status,
                sealed,
                now + KEPT_FOR,
            )

    async def find(self, conn: Any, tenant_id: str, invocation_id: str) -> Kept | None:
        """The kept invocation of the connection's tenant, if any."""
        row = await conn.fetchrow(_FIND, invocation_id)
        if row is None:
            return None
        payload = None
        if row["sealed_payload"] is not None:
            payload = self._open(tenant_id, row)
        return Kept(
            row["invocation_id"],
            row["external_invocation_id"],
            row["actor_id"],
            row["kind"],
            row["name"],
            row["status"],
            payload,
            row["kept_until"],
        )

    def _open(self, tenant_id: str, row: Any) -> Mapping[str, Any] | None:
        binding = _binding(tenant_id, row["invocation_id"], row["actor_id"])
        try:
            opened: Mapping[str, Any] = json.loads(self.sealer.open(binding, row["sealed_payload"]))
        except Unsealable:  # another deployment key: as if it had not been kept
            return None
        return opened


def _binding(tenant_id: str, invocation_id: str, actor_id: str) -> tuple[str, ...]:
    return ("kept-invocation", tenant_id, invocation_id, actor_id)


@dataclass(frozen=True)
class Retried:
    """A retry's answer: its status, its invocation id and its message key when refused."""

    status: int
    invocation_id: str
    message_key: str | None


Invoke = Callable[[str, str, Any, Context], Awaitable[tuple[int, str | None]]]


class Retries:
    """Runs a kept invocation again through the pipeline (`invoke`: kind, name, payload,
    context; answers the status and the message key)."""

    def __init__(self, invoke: Invoke) -> None:
        self.invoke = invoke

    async def retry(self, ctx: Context, kept: Kept) -> Retried:
        """Once, as the reporter, with `log.level=debug` and the failed one's external id."""
        assert kept.payload is not None
        retry = retry_context(ctx, kept.external_invocation_id)
        status, key = await self.invoke(kept.kind, kept.name, dict(kept.payload), retry)
        return Retried(status, retry.trace.invocation_id, key)


def retry_context(ctx: Context, external_invocation_id: str) -> Context:
    """The report's context for the retry: a child invocation of the report, carrying the
    failed invocation's external id (its idempotency key) and the `log.level=debug` toggle."""
    trace = msgspec.structs.replace(
        ctx.trace,
        external_invocation_id=external_invocation_id,
        parent_invocation_id=ctx.trace.invocation_id,
        invocation_id=new_id(),
    )
    return msgspec.structs.replace(ctx, trace=trace, toggles={"log.level": "debug"})

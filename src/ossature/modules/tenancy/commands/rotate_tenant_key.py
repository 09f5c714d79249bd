"""rotate-tenant-key: a platform operator gives a tenant a new key (decision 90).

Every data key of the tenant's people is re-wrapped with the new key; nothing they sealed is
touched. The rotation runs in the invocation's transaction, with its event: a repeat under
the same Idempotency-Key rolls back and answers the first rotation's outcome, never a second.
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.messages import Event, Payload
from ossature.modules.tenancy.commands.set_tenant_plan import TenantId, existing_tenant

__all__ = [
    "RotateTenantKey",
    "TenantKeyRotated",
    "TenantKeyRotation",
    "keys_stream",
    "rotate_tenant_key",
]


class RotateTenantKey(Payload, frozen=True):
    tenant_id: TenantId


class TenantKeyRotated(Event, frozen=True):
    name = "tenant-key-rotated"

    key_version: int  # the tenant key's version from now on
    rewrapped: int  # the data keys re-wrapped with it


class TenantKeyRotation(TypedDict):
    tenantId: str
    version: int
    rewrapped: int


def keys_stream(tenant_id: str) -> str:
    """The stream of a tenant's key rotations."""
    return f"{tenant_id}.keys"


async def rotate_tenant_key(ctx: Context, cmd: RotateTenantKey, deps: Deps) -> TenantKeyRotation:
    await existing_tenant(deps, cmd.tenant_id)
    deps.uow.use_tenant(cmd.tenant_id)
    async with deps.db.transaction(cmd.tenant_id) as conn:
        # the rotation locks the tenant key first: a concurrent one waits, then reads this
        # one's stream version, and neither conflicts
        version, rewrapped = await deps.get(PersonalKeys).rotate(conn, cmd.tenant_id)
    stream = await deps.uow.load(keys_stream(cmd.tenant_id))
    rotated = TenantKeyRotated(key_version=version, rewrapped=rewrapped)
    deps.uow.append("tenant-keys", stream.stream_id, stream.version, [rotated])
    return {"tenantId": cmd.tenant_id, "version": version, "rewrapped": rewrapped}

"""revoke-role: an account no longer holds a role at a folder.

Like an assignment, a revocation reaches the account's tokens at its next log-in; ending
its sessions at once is deactivate-account's work.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.errors import AssignmentNotFound
from ossature.modules.access.projections import holds_assignment

__all__ = [
    "RevokeRole",
    "RevokeRoleAnswer",
    "RoleRevoked",
    "decide_revoke",
    "revoke_role",
    "scope_of_revocation",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class RevokeRole(Payload, frozen=True):
    account_id: Id
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    folder_id: Id


class RoleRevoked(Event, frozen=True):
    name = "role-revoked"

    account_id: str
    role: str
    folder_id: str


def decide_revoke(held: bool, cmd: RevokeRole) -> list[Event]:
    """Only an assignment that exists is revoked; any other is named as not found."""
    if not held:
        raise AssignmentNotFound(
            {"accountId": cmd.account_id, "role": cmd.role, "folderId": cmd.folder_id}
        )
    return [RoleRevoked(account_id=cmd.account_id, role=cmd.role, folder_id=cmd.folder_id)]


class RevokeRoleAnswer(TypedDict):
    accountId: str
    role: str
    folderId: str


async def revoke_role(ctx: Context, cmd: RevokeRole, deps: Deps) -> RevokeRoleAnswer:
    account = await deps.uow.load(cmd.account_id)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        held = await holds_assignment(conn, cmd.account_id, cmd.role, cmd.folder_id)
    events = decide_revoke(held, cmd)
    # On the account's stream at its version: two revocations of one assignment conflict.
    deps.uow.append("account", cmd.account_id, account.version, events)
    return {"accountId": cmd.account_id, "role": cmd.role, "folderId": cmd.folder_id}


async def scope_of_revocation(ctx: Context, cmd: RevokeRole, deps: Deps) -> str:
    """Revoking a role at a folder needs the right to assign it there."""
    return cmd.folder_id

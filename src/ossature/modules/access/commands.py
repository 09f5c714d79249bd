"""Commands of the access module."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.access.errors import AccountNotFound, UnknownRole
from ossature.modules.access.events import RoleAssigned

__all__ = ["ROLES", "AssignRole", "assign_role", "scope_of_assignment"]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
ROLES = frozenset({"tenant-admin", "project-editor", "project-viewer"})


class AssignRole(Payload, frozen=True):
    account_id: Id
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    folder_id: Id


async def assign_role(ctx: Context, cmd: AssignRole, deps: Deps) -> dict[str, Any]:
    if cmd.role not in ROLES:
        raise UnknownRole({"role": cmd.role})
    account = await deps.uow.load(cmd.account_id)
    if account.version == 0:
        raise AccountNotFound({"accountId": cmd.account_id})
    event = RoleAssigned(account_id=cmd.account_id, role=cmd.role, folder_id=cmd.folder_id)
    deps.uow.append("account", cmd.account_id, account.version, [event])
    return {"accountId": cmd.account_id, "role": cmd.role, "folderId": cmd.folder_id}


async def scope_of_assignment(ctx: Context, cmd: AssignRole, deps: Deps) -> str:
    """Assigning a role at a folder needs the right to do so at that folder."""
    return cmd.folder_id

"""assign-role: an account holds a role at a folder, and so at every folder below it.

The next log-in puts the assignment in the account's tokens.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.errors import AccountNotFound, UnknownRole

__all__ = [
    "ROLES",
    "AssignRole",
    "AssignRoleAnswer",
    "RoleAssigned",
    "assign_role",
    "decide_assign",
    "scope_of_assignment",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
# The roles a tenant may hand out; roles.json also defines roles only the platform gives
# (its operators, the analytics service actor). An operator alone makes another operator.
ROLES = frozenset({"tenant-admin", "project-editor", "project-viewer"})
OPERATOR_ROLES = frozenset({"platform-operator"})


class AssignRole(Payload, frozen=True):
    account_id: Id
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    folder_id: Id


class RoleAssigned(Event, frozen=True):
    name = "role-assigned"

    account_id: str
    role: str
    folder_id: str


def decide_assign(account_version: int, cmd: AssignRole, by_operator: bool = False) -> list[Event]:
    """Only a role a tenant may hand out (or, by an operator, the operators' role), and only
    to an account that exists (version > 0)."""
    if cmd.role not in ROLES and not (by_operator and cmd.role in OPERATOR_ROLES):
        raise UnknownRole({"role": cmd.role})
    if account_version == 0:
        raise AccountNotFound({"accountId": cmd.account_id})
    return [RoleAssigned(account_id=cmd.account_id, role=cmd.role, folder_id=cmd.folder_id)]


class AssignRoleAnswer(TypedDict):
    accountId: str
    role: str
    folderId: str


async def assign_role(ctx: Context, cmd: AssignRole, deps: Deps) -> AssignRoleAnswer:
    account = await deps.uow.load(cmd.account_id)
    assert ctx.access is not None
    by_operator = any(grant.role in OPERATOR_ROLES for grant in ctx.access.grants)
    events = decide_assign(account.version, cmd, by_operator)
    deps.uow.append("account", cmd.account_id, account.version, events)
    return {"accountId": cmd.account_id, "role": cmd.role, "folderId": cmd.folder_id}


async def scope_of_assignment(ctx: Context, cmd: AssignRole, deps: Deps) -> str:
    """Assigning a role at a folder needs the right to do so at that folder."""
    return cmd.folder_id

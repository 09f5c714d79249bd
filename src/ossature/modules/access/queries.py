"""Queries of the access module."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.access.commands.assign_role import ROLES
from ossature.modules.access.projections import all_assignments
from ossature.modules.tenancy.errors import FolderNotFound
from ossature.modules.tenancy.projections import folder_chains

__all__ = [
    "AssignmentView",
    "ListRoleAssignments",
    "ListRoleAssignmentsAnswer",
    "ListRoles",
    "ListRolesAnswer",
    "MyPermissions",
    "MyPermissionsAnswer",
    "list_role_assignments",
    "list_roles",
    "my_permissions",
    "visible_assignments",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class MyPermissions(Payload, frozen=True):
    folder_id: Id


class MyPermissionsAnswer(TypedDict):
    folderId: str
    actions: list[str]


class ListRoleAssignments(Payload, frozen=True):
    folder_id: Id | None = None


class AssignmentView(TypedDict):
    accountId: str
    role: str
    folderId: str


class ListRoleAssignmentsAnswer(TypedDict):
    assignments: list[AssignmentView]


class ListRoles(Payload, frozen=True):
    pass


class ListRolesAnswer(TypedDict):
    roles: list[str]


async def list_roles(ctx: Context, query: ListRoles, deps: Deps) -> ListRolesAnswer:
    """The roles a tenant may hand out (assign-role, invite-account), by name: what a form
    offers, so that no client keeps its own list."""
    return {"roles": sorted(ROLES)}


async def my_permissions(ctx: Context, query: MyPermissions, deps: Deps) -> MyPermissionsAnswer:
    """The actions the actor may perform at a folder, for a front end to show or hide controls."""
    actions = await deps.access.actions_at(ctx, query.folder_id)
    return {"folderId": query.folder_id, "actions": sorted(actions)}


async def list_role_assignments(
    ctx: Context, query: ListRoleAssignments, deps: Deps
) -> ListRoleAssignmentsAnswer:
    """The assignments at folders where the actor may read assignments (`access.read`), at
    and below `folderId` when given (a folder of another tenant: not found)."""
    granting = deps.access.granting_folders(ctx, "access.read")
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        chains = await folder_chains(conn)
        rows = await all_assignments(conn)
    if query.folder_id is not None and query.folder_id not in chains:
        raise FolderNotFound({"folderId": query.folder_id})
    kept = visible_assignments(rows, chains, granting, query.folder_id)
    return {
        "assignments": [
            {"accountId": account, "role": role, "folderId": folder}
            for account, role, folder in kept
        ]
    }


def visible_assignments(
    rows: Sequence[tuple[str, str, str]],
    chains: Mapping[str, Sequence[str]],
    granting: Collection[str],
    under: str | None,
) -> list[tuple[str, str, str]]:
    """The rows at a folder whose chain holds a granting folder, and at `under` or below
    it when given."""
    kept = []
    for row in rows:
        chain = chains.get(row[2], ())
        if any(folder in granting for folder in chain) and (under is None or under in chain):
            kept.append(row)
    return kept

"""Access: roles at folder scopes, decided by a Rego policy evaluated in-process.

This table is the module: its command (one file each under `commands/`), query, event
types and projection. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import Anyone, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.access._decide import granted_actions
from ossature.modules.access.commands import assign_role, revoke_role
from ossature.modules.access.projections import ASSIGNMENTS
from ossature.modules.access.queries import (
    ListRoleAssignments,
    ListRoles,
    MyPermissions,
    list_role_assignments,
    list_roles,
    my_permissions,
)

__all__ = ["MODULE", "granted_actions"]

EVENTS: list[type[Event]] = [assign_role.RoleAssigned, revoke_role.RoleRevoked]

MODULE = Module(
    name="access",
    commands=[
        CommandSpec(
            "assign-role",
            assign_role.AssignRole,
            assign_role.assign_role,
            AtFolder("access.assign", assign_role.scope_of_assignment),
        ),
        CommandSpec(
            "revoke-role",
            revoke_role.RevokeRole,
            revoke_role.revoke_role,
            AtFolder("access.assign", revoke_role.scope_of_revocation),
        ),
    ],
    queries=[
        QuerySpec("get-my-permissions", MyPermissions, my_permissions, Anyone()),
        QuerySpec("list-role-assignments", ListRoleAssignments, list_role_assignments, Anyone()),
        QuerySpec("list-roles", ListRoles, list_roles, Anyone()),
    ],
    events=EVENTS,
    projections=[ASSIGNMENTS],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)

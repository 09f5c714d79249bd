"""Access: roles at folder scopes, decided by a Rego policy evaluated in-process; the
requirements a product module's commands ask of a person, and the entitlements that meet them.

This table is the module: its command (one file each under `commands/`), query, event
types and projection. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import Anyone, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.access._decide import granted_actions
from ossature.modules.access.capabilities import (
    MyCapabilities,
    MyEntitlements,
    my_capabilities,
    my_entitlements,
)
from ossature.modules.access.commands import accept_terms, assign_role, revoke_role
from ossature.modules.access.entitlements import ENTITLEMENTS
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

EVENTS: list[type[Event]] = [
    assign_role.RoleAssigned,
    revoke_role.RoleRevoked,
    accept_terms.TermsAccepted,
]

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
        CommandSpec("accept-terms", accept_terms.AcceptTerms, accept_terms.accept_terms, Anyone()),
    ],
    queries=[
        QuerySpec("get-my-permissions", MyPermissions, my_permissions, Anyone()),
        QuerySpec("list-role-assignments", ListRoleAssignments, list_role_assignments, Anyone()),
        QuerySpec("list-roles", ListRoles, list_roles, Anyone()),
        QuerySpec("get-my-capabilities", MyCapabilities, my_capabilities, Anyone()),
        QuerySpec("list-my-entitlements", MyEntitlements, my_entitlements, Anyone()),
    ],
    events=EVENTS,
    projections=[ASSIGNMENTS, ENTITLEMENTS],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)

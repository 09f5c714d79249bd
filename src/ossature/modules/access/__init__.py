"""Access: roles at folder scopes, decided by a Rego policy evaluated in-process."""

from pathlib import Path

from ossature.kernel.module import Anyone, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.access._decide import granted_actions
from ossature.modules.access.commands import AssignRole, assign_role, scope_of_assignment
from ossature.modules.access.events import RoleAssigned
from ossature.modules.access.projections import ASSIGNMENTS
from ossature.modules.access.queries import MyPermissions, my_permissions

__all__ = ["MODULE", "granted_actions"]

MODULE = Module(
    name="access",
    commands=[
        CommandSpec(
            "assign-role", AssignRole, assign_role, AtFolder("access.assign", scope_of_assignment)
        ),
    ],
    queries=[QuerySpec("get-my-permissions", MyPermissions, my_permissions, Anyone())],
    events=[RoleAssigned],
    projections=[ASSIGNMENTS],
    root=Path(__file__).parent,
)

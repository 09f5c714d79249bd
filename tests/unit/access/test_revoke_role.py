"""revoke-role's rule and list-role-assignments' filter, pure: no I/O, no fakes."""

import pytest

from ossature.modules.access.commands.revoke_role import RevokeRole, RoleRevoked, decide_revoke
from ossature.modules.access.errors import AssignmentNotFound
from ossature.modules.access.queries import visible_assignments

CMD = RevokeRole(account_id="a1", role="project-editor", folder_id="eu")
CHAINS = {"root": ["root"], "eu": ["eu", "root"], "fr": ["fr", "eu", "root"], "us": ["us", "root"]}
ROWS = [("a1", "tenant-admin", "root"), ("a2", "project-editor", "eu"), ("a3", "x", "fr")]


def test_a_held_assignment_is_revoked() -> None:
    """One event naming the account, the role and the folder."""
    expected = [RoleRevoked(account_id="a1", role="project-editor", folder_id="eu")]

    assert expected == decide_revoke(True, CMD)


def test_revoking_an_assignment_not_held_is_not_found() -> None:
    """The error names the assignment."""
    with pytest.raises(AssignmentNotFound) as raised:
        decide_revoke(False, CMD)

    assert {"accountId": "a1", "role": "project-editor", "folderId": "eu"} == raised.value.params


def test_assignments_below_a_granting_folder_are_visible() -> None:
    """Granted at EU: EU's and France's rows, not the root's."""
    expected = [ROWS[1], ROWS[2]]

    assert expected == visible_assignments(ROWS, CHAINS, {"eu"}, None)


def test_assignments_are_kept_at_and_below_the_folder_asked_for() -> None:
    """Granted at the root, asked under France: France's row only."""
    assert [ROWS[2]] == visible_assignments(ROWS, CHAINS, {"root"}, "fr")

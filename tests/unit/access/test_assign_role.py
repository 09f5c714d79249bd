"""assign-role's rule, pure: no I/O, no fakes."""

import pytest

from ossature.modules.access.commands.assign_role import AssignRole, RoleAssigned, decide_assign
from ossature.modules.access.errors import AccountNotFound, UnknownRole

CMD = AssignRole(account_id="a1", role="project-editor", folder_id="f1")


def test_a_known_role_is_assigned_to_an_existing_account() -> None:
    """One event, carrying the account, the role and the folder."""
    expected = [RoleAssigned(account_id="a1", role="project-editor", folder_id="f1")]

    actual = decide_assign(2, CMD)

    assert expected == actual


def test_a_role_a_tenant_may_not_hand_out_is_refused() -> None:
    """Platform roles exist in roles.json but no tenant assigns them."""
    with pytest.raises(UnknownRole):
        decide_assign(2, AssignRole(account_id="a1", role="platform-operator", folder_id="f1"))


def test_assigning_to_an_account_that_does_not_exist_is_refused() -> None:
    """An account stream at version 0 has never been registered."""
    with pytest.raises(AccountNotFound):
        decide_assign(0, CMD)


def test_an_unknown_role_is_named_before_a_missing_account() -> None:
    """With both wrong, the role is the error: the caller's payload is checked first."""
    with pytest.raises(UnknownRole):
        decide_assign(0, AssignRole(account_id="a1", role="owner", folder_id="f1"))

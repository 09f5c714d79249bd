"""start-impersonation's refusals, pure: no I/O, no fakes."""

import pytest

from ossature.modules.identity.commands.start_impersonation import check_impersonation
from ossature.modules.identity.errors import AccountNotFound, CannotImpersonate

ACTIVE = {"deactivated_at": None}


def test_an_active_account_without_the_operators_role_may_be_impersonated() -> None:
    """No error: the caller goes on."""
    assert check_impersonation(False, ACTIVE, {"project-viewer"}, "a") is None


@pytest.mark.parametrize(
    ("nested", "account", "roles", "reason"),
    [
        (True, ACTIVE, set(), "nested"),
        (False, {"deactivated_at": "2026-01-01"}, set(), "deactivated"),
        (False, ACTIVE, {"platform-operator"}, "operator"),
    ],
)
def test_impersonation_is_refused_with_its_reason(
    nested: bool, account: dict[str, object], roles: set[str], reason: str
) -> None:
    """From an impersonation, of a deactivated account, of an operator: 403, the reason named."""
    with pytest.raises(CannotImpersonate) as refused:
        check_impersonation(nested, account, roles, "a")

    assert {"reason": reason} == refused.value.params


def test_an_unknown_account_is_not_found() -> None:
    """No account in any tenant: 404."""
    with pytest.raises(AccountNotFound):
        check_impersonation(False, None, set(), "a")

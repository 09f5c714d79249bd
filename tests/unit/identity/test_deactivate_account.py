"""deactivate-account's rule and list-accounts' status, pure: no I/O, no fakes."""

import pytest

from ossature.modules.identity.commands.deactivate_account import (
    AccountDeactivated,
    decide_deactivate,
)
from ossature.modules.identity.errors import AccountNotFound, CannotDeactivateSelf
from ossature.modules.identity.queries import account_status


def test_an_active_account_is_deactivated() -> None:
    """One event naming the account."""
    assert [AccountDeactivated(account_id="b")] == decide_deactivate("a", "b", True, False)


def test_an_account_deactivated_already_appends_nothing() -> None:
    """Deactivating twice is not an error and changes nothing."""
    assert [] == decide_deactivate("a", "b", True, True)


def test_nobody_deactivates_their_own_account() -> None:
    """Nobody would be left to notice; refused before the account is looked at."""
    with pytest.raises(CannotDeactivateSelf):
        decide_deactivate("a", "a", True, False)


def test_an_unknown_account_is_not_found() -> None:
    """The error names the account."""
    with pytest.raises(AccountNotFound):
        decide_deactivate("a", "b", False, False)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"password_hash": "h", "deactivated_at": None}, "active"),
        ({"password_hash": None, "deactivated_at": None}, "invited"),
        ({"password_hash": None, "deactivated_at": None, "kind": "service"}, "active"),
        ({"password_hash": "h", "deactivated_at": "2026-01-01"}, "deactivated"),
    ],
)
def test_an_accounts_status_follows_its_row(row: dict[str, object], expected: str) -> None:
    """Deactivated wins; a user without a password is invited; a service account is active."""
    assert expected == account_status(row)

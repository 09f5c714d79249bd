"""requireMfa's limit: a session limited to enrolling may enroll, confirm and log out only."""

from __future__ import annotations

import pytest

from ossature.kernel.module import Anyone, AnyScope, Public
from ossature.modules.identity.enforcement import ENROLLMENT, refuse_restricted
from ossature.modules.identity.errors import MfaEnrollmentRequired


@pytest.mark.parametrize("name", ["enroll-totp", "confirm-totp", "log-out"])
def test_enrolling_confirming_and_logging_out_are_allowed(name: str) -> None:
    refuse_restricted(ENROLLMENT, name, Anyone())


def test_a_public_invocation_is_allowed() -> None:
    refuse_restricted(ENROLLMENT, "get-message-catalog", Public())


@pytest.mark.parametrize(
    ("name", "rule"),
    [("list-folders", Anyone()), ("create-project", AnyScope("projects.create"))],
)
def test_anything_else_is_refused_with_its_own_key(name: str, rule: object) -> None:
    with pytest.raises(MfaEnrollmentRequired) as refused:
        refuse_restricted(ENROLLMENT, name, rule)  # type: ignore[arg-type]
    assert ("identity.mfa-enrollment-required", 403) == (refused.value.key, refused.value.status)


def test_an_unknown_restriction_allows_nothing() -> None:
    with pytest.raises(MfaEnrollmentRequired):
        refuse_restricted("something-else", "enroll-totp", Anyone())

"""requireMfa, enforced: a session of an account that must enroll MFA may do only that.

When its tenant requires MFA and the account has none, log-in issues a token limited to
`mfa-enrollment` (the claim `scope`), without grants. The pipeline calls `refuse_restricted`
for an actor so limited, and only then: an unlimited token costs one attribute test. The
limit lasts as long as the token (15 min): after confirm-totp, the next log-in asks for a
code and gets an unlimited token. A policy turned on takes effect at each account's next
log-in; tokens already issued keep what they had until they expire (decision 52).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ossature.kernel.module import Authorization, Public
from ossature.modules.identity.errors import MfaEnrollmentRequired
from ossature.modules.tenancy.projections import security_policy_of

__all__ = ["ENROLLMENT", "ENROLLMENT_ALLOWS", "must_enroll", "refuse_restricted"]

ENROLLMENT = "mfa-enrollment"
ENROLLMENT_ALLOWS = frozenset({"enroll-totp", "confirm-totp", "log-out"})


def refuse_restricted(restriction: str, name: str, rule: Authorization[Any]) -> None:
    """MfaEnrollmentRequired unless the restriction allows the invocation `name` (a public
    one, such as a message catalog, needs no credential: it is allowed)."""
    if isinstance(rule, Public):
        return
    if restriction != ENROLLMENT or name not in ENROLLMENT_ALLOWS:
        raise MfaEnrollmentRequired({"allowed": ", ".join(sorted(ENROLLMENT_ALLOWS))})


async def must_enroll(conn: Any, account: Mapping[str, Any] | None) -> bool:
    """True when the account has no MFA and its tenant's policy requires it (read in the
    tenant's transaction, from tenancy's `tenant_security`)."""
    if account is None or account["mfa_enabled"]:
        return False
    return bool((await security_policy_of(conn))["require_mfa"])

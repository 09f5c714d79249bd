"""What log-in checks before and records after the password (decisions 53 and 54).

Before: the attempt's subjects are not locked (429 without running Argon2). After a
failure: the tenant the log-in named is the audit entry's, with the account's id, or a keyed
hash of the email when no account has it (never the email); the failure is counted in a
transaction of its own. After a success: the account's failures are forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.database import Database
from ossature.kernel.deps import Deps
from ossature.modules.identity.errors import EmailInvalid
from ossature.modules.identity.fields import normalize_email
from ossature.modules.identity.service import IdentityService
from ossature.modules.identity.throttle import (
    Subjects,
    count_failure,
    email_digest,
    forget_account,
    refuse_when_locked,
)
from ossature.modules.tenancy.perimeter import admit_public

__all__ = ["LogInGate"]


@dataclass
class LogInGate:
    """One log-in attempt's throttling and attribution, in the tenant it named."""

    ctx: Context
    deps: Deps
    identity: IdentityService
    tenant_id: str
    digest: str
    had_failures: bool = False

    @classmethod
    def of(cls, ctx: Context, deps: Deps, tenant_id: str, email: str) -> LogInGate:
        identity = deps.get(IdentityService)
        digest = email_digest(identity.subject_key, _normal(email))
        deps.uow.use_tenant(tenant_id, f"email:{digest}")  # a refusal's entry is the tenant's
        return cls(ctx, deps, identity, tenant_id, digest)

    @property
    def subjects(self) -> Subjects:
        return Subjects.of(self.digest, self.ctx.provenance.client_ip)

    async def check(self, conn: Any) -> None:
        """IpNotAllowed outside the tenant's ranges; TooManyAttempts when the account or the
        address is locked: one statement."""
        await admit_public(self.ctx, self.deps, self.tenant_id)
        self.had_failures = await refuse_when_locked(conn, self.subjects, self.deps.now)

    async def failed(self, account_id: str | None) -> None:
        """Name the account (when known) in the refusal's entry, and count the failure."""
        if account_id is not None:
            self.deps.uow.use_tenant(self.tenant_id, account_id)
        rules = self.identity.throttle
        pool = Database(self.deps.db.pool)  # not the invocation's: it will roll back
        await count_failure(
            pool, self.deps.store, self.ctx, self.tenant_id, self.subjects, self.deps.now, rules
        )

    async def succeeded(self) -> None:
        """Forget the account's failures, in the log-in's transaction (only when it had any)."""
        if self.had_failures:
            async with self.deps.db.transaction(self.tenant_id) as conn:
                await forget_account(conn, self.subjects)


def _normal(email: str) -> str:
    """The email as accounts store it (decision 45), so that its variants count as one."""
    try:
        return normalize_email(email)
    except EmailInvalid:
        return email.lower()

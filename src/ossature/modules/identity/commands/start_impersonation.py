"""start-impersonation: a platform operator acts as an account, in a short session of its own.

The answer is an access token for the account's tenant whose subject is the account and
whose RFC 8693 `act` claim names the operator: every invocation made with it has both in
its context (`Actor.account_id`, `Actor.on_behalf_of`), so its audit entry shows both, and
the account sees it among its own entries. The session ends like any (log-out, or
deactivation of the account) and lasts ten minutes at most. The reason is in the event and
in the session's row (decision 51).
"""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.projections import grants_of
from ossature.modules.identity._tokens import AccessClaims, RoleGrant
from ossature.modules.identity.commands.log_in import session_of
from ossature.modules.identity.errors import AccountNotFound, CannotImpersonate
from ossature.modules.identity.projections import account_by_id
from ossature.modules.identity.service import IdentityService

__all__ = [
    "LIFETIME",
    "ImpersonationStarted",
    "StartImpersonation",
    "StartImpersonationAnswer",
    "check_impersonation",
    "start_impersonation",
]

LIFETIME = 10 * 60
OPERATOR_ROLE = "platform-operator"


class StartImpersonation(Payload, frozen=True):
    account_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class ImpersonationStarted(Event, frozen=True):
    name = "impersonation-started"

    account_id: str
    session_id: str
    expires_at: int
    operator_id: str
    operator_tenant_id: str
    reason: str


class StartImpersonationAnswer(TypedDict):
    accessToken: str
    expiresAt: int
    sessionId: str
    accountId: str
    tenantId: str


def check_impersonation(
    nested: bool, account: dict[str, Any] | None, roles: set[str], account_id: str
) -> None:
    """Not from an impersonation, not an unknown or deactivated account, not an operator."""
    if nested:
        raise CannotImpersonate({"reason": "nested"})
    if account is None:
        raise AccountNotFound({"accountId": account_id})
    if account["deactivated_at"] is not None:
        raise CannotImpersonate({"reason": "deactivated"})
    if OPERATOR_ROLE in roles:
        raise CannotImpersonate({"reason": "operator"})


async def start_impersonation(
    ctx: Context, cmd: StartImpersonation, deps: Deps
) -> StartImpersonationAnswer:
    assert ctx.access is not None
    operator = ctx.access
    async with deps.db.transaction(operator.tenant_id) as conn:
        tenant_id = await conn.fetchval("select identity_account_tenant($1)", cmd.account_id)
    account, grants = None, []
    if tenant_id is not None:
        async with deps.db.transaction(tenant_id, readonly=True) as conn:
            account = await account_by_id(conn, cmd.account_id)
            grants = await grants_of(conn, cmd.account_id)
    roles = {role for role, _ in grants}
    check_impersonation(operator.on_behalf_of is not None, account, roles, cmd.account_id)
    assert account is not None and tenant_id is not None
    identity = deps.get(IdentityService)
    now = int(deps.now.timestamp())
    session_id = session_of(tenant_id, cmd.account_id, ctx.trace.external_invocation_id)
    claims = AccessClaims(
        account_id=cmd.account_id,
        tenant_id=tenant_id,
        session_id=session_id,
        locale=account["locale"],
        grants=tuple(RoleGrant(role, folder) for role, folder in grants),
        issued_at=now,
        not_before=now,
        expires_at=now + min(LIFETIME, identity.token_lifetime),
        token_id=new_id(),
        acting_party=operator.account_id,
    )
    deps.uow.use_tenant(tenant_id)  # the session, its event and this entry: the account's tenant
    started = ImpersonationStarted(
        account_id=cmd.account_id,
        session_id=session_id,
        expires_at=claims.expires_at,
        operator_id=operator.account_id,
        operator_tenant_id=operator.tenant_id,
        reason=cmd.reason,
    )
    deps.uow.append("session", session_id, 0, [started])
    return {
        "accessToken": identity.issue(claims),
        "expiresAt": claims.expires_at,
        "sessionId": session_id,
        "accountId": cmd.account_id,
        "tenantId": tenant_id,
    }

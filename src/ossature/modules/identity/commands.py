"""Commands of the identity module: register an account, log in, log out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.modules.access.projections import grants_of
from ossature.modules.identity._tokens import AccessClaims, RoleGrant
from ossature.modules.identity.errors import EmailTaken, InvalidCredentials
from ossature.modules.identity.events import (
    AccountRegistered,
    PasswordSet,
    UserLoggedIn,
    UserLoggedOut,
)
from ossature.modules.identity.projections import account_by_email
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.projections import tenant_by_slug

__all__ = ["LogIn", "LogOut", "RegisterAccount", "log_in", "log_out", "register_account"]

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class RegisterAccount(Payload, frozen=True):
    email: Email
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    password: Annotated[str, msgspec.Meta(min_length=12, max_length=1024)]
    locale: Literal["en", "fr"] = "en"


class LogIn(Payload, frozen=True):
    tenant: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    email: Email
    password: Password


class LogOut(Payload, frozen=True):
    pass


async def register_account(ctx: Context, cmd: RegisterAccount, deps: Deps) -> dict[str, Any]:
    email = cmd.email.lower()
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        if await account_by_email(conn, email):
            raise EmailTaken({"email": email})
    account_id = new_id()
    password_hash = await deps.get(IdentityService).hash_password(cmd.password)
    registered = AccountRegistered(
        account_id=account_id, email=email, display_name=cmd.display_name, locale=cmd.locale
    )
    password = PasswordSet(account_id=account_id, password_hash=password_hash)
    deps.uow.append("account", account_id, 0, [registered, password])
    return {"accountId": account_id}


async def log_in(ctx: Context, cmd: LogIn, deps: Deps) -> dict[str, Any]:
    identity = deps.get(IdentityService)
    async with deps.db.transaction(None, readonly=True) as conn:
        tenant = await tenant_by_slug(conn, cmd.tenant)
    tenant_id = tenant["tenant_id"] if tenant else None
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        account = await account_by_email(conn, cmd.email) if tenant_id else None
        grants = await grants_of(conn, account["account_id"]) if account else []
    stored = account["password_hash"] if account else None
    if not await identity.verify_password(stored, cmd.password) or not account or not tenant_id:
        raise InvalidCredentials()
    claims = _claims(account, tenant_id, grants, int(deps.now.timestamp()), identity.token_lifetime)
    deps.uow.use_tenant(tenant_id, claims.account_id)
    event = UserLoggedIn(
        account_id=claims.account_id, session_id=claims.session_id, expires_at=claims.expires_at
    )
    deps.uow.append("session", claims.session_id, 0, [event])
    return {
        "accessToken": identity.issue(claims),
        "expiresAt": claims.expires_at,
        "sessionId": claims.session_id,
    }


def _claims(
    account: dict[str, Any], tenant_id: str, grants: list[tuple[str, str]], now: int, lifetime: int
) -> AccessClaims:
    return AccessClaims(
        account_id=account["account_id"],
        tenant_id=tenant_id,
        session_id=new_id(),
        locale=account["locale"],
        grants=tuple(RoleGrant(role, folder) for role, folder in grants),
        issued_at=now,
        not_before=now,
        expires_at=now + lifetime,
        token_id=new_id(),
    )


async def log_out(ctx: Context, cmd: LogOut, deps: Deps) -> dict[str, Any]:
    assert ctx.access is not None and ctx.access.session_id is not None
    session = await deps.uow.load(ctx.access.session_id)
    event = UserLoggedOut(account_id=ctx.access.account_id, session_id=ctx.access.session_id)
    deps.uow.append("session", ctx.access.session_id, session.version, [event])
    return {"sessionId": ctx.access.session_id}

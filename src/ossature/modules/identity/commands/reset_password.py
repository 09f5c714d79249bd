"""reset-password (public): the mailed token sets a new password, once, within 30 minutes,
and every session of the account ends (a thief's included)."""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.identity._one_time import OneTimeTokens, check_use, issued
from ossature.modules.identity._request import tenant_of_request
from ossature.modules.identity.events import PasswordSet, SessionsEnded, TokenUsed
from ossature.modules.identity.fields import NewPassword, OneTimeToken
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.perimeter import admit_public

__all__ = ["ResetPassword", "ResetPasswordAnswer", "reset_password"]


class ResetPassword(Payload, frozen=True):
    secret_fields = ("token", "password")

    token: OneTimeToken
    password: NewPassword


class ResetPasswordAnswer(TypedDict):
    accountId: str


async def reset_password(ctx: Context, cmd: ResetPassword, deps: Deps) -> ResetPasswordAnswer:
    parts = deps.get(OneTimeTokens).check("password-reset", cmd.token, tenant_of_request(ctx))
    deps.uow.use_tenant(parts.tenant_id)
    await admit_public(ctx, deps, parts.tenant_id)  # its ranges (decision 54)
    token = issued(await deps.uow.load(parts.token_id), "password-reset")
    deps.uow.use_tenant(parts.tenant_id, token.account_id)
    check_use("password-reset", token.issued_at, token.used, deps.now)
    account = await deps.uow.load(token.account_id)
    password_hash = await deps.get(IdentityService).hash_password(cmd.password)
    used = TokenUsed(token_id=parts.token_id, account_id=token.account_id)
    password = PasswordSet(account_id=token.account_id, password_hash=password_hash)
    ended = SessionsEnded(account_id=token.account_id)
    deps.uow.append("password-reset", parts.token_id, token.version, [used])
    deps.uow.append("account", token.account_id, account.version, [password, ended])
    return {"accountId": token.account_id}

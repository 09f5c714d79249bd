"""reset-password (public): the mailed token sets a new password, once, within 30 minutes,
and every session of the account ends (a thief's included)."""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.identity._request import refuse_forgotten, take_token
from ossature.modules.identity.events import SessionsEnded
from ossature.modules.identity.fields import NewPassword, OneTimeToken
from ossature.modules.identity.service import IdentityService

__all__ = ["ResetPassword", "ResetPasswordAnswer", "reset_password"]


class ResetPassword(Payload, frozen=True):
    token: OneTimeToken
    password: NewPassword


class ResetPasswordAnswer(TypedDict):
    accountId: str


async def reset_password(ctx: Context, cmd: ResetPassword, deps: Deps) -> ResetPasswordAnswer:
    account_id, _ = await take_token(ctx, deps, "password-reset", cmd.token.reveal())
    account = await deps.uow.load(account_id)
    refuse_forgotten(account)
    tenant_id = deps.uow.tenant_id
    assert tenant_id is not None
    identity = deps.get(IdentityService)
    password = await identity.set_password(deps, tenant_id, account_id, cmd.password.reveal())
    ended = SessionsEnded(account_id=account_id)
    deps.uow.append("account", account_id, account.version, [password, ended])
    return {"accountId": account_id}

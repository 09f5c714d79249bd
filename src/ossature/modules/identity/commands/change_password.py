"""change-password: the caller proves the current password and sets a new one.

Every other session of the account ends; the caller's stays (whoever knew the old password
is logged out, the one who changed it is not).
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import NotFound
from ossature.kernel.messages import Payload
from ossature.modules.identity.errors import WrongCurrentPassword
from ossature.modules.identity.events import SessionsEnded
from ossature.modules.identity.fields import NewPassword, Password
from ossature.modules.identity.projections import account_by_id
from ossature.modules.identity.service import IdentityService

__all__ = ["ChangePassword", "ChangePasswordAnswer", "change_password"]


class ChangePassword(Payload, frozen=True):
    current_password: Password
    new_password: NewPassword


class ChangePasswordAnswer(TypedDict):
    accountId: str


async def change_password(ctx: Context, cmd: ChangePassword, deps: Deps) -> ChangePasswordAnswer:
    assert ctx.access is not None
    identity, account_id = deps.get(IdentityService), ctx.access.account_id
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        account = await account_by_id(conn, account_id)
    if account is None:  # a service actor, or a user of no account
        raise NotFound({"accountId": account_id})
    if not await identity.verify_password(account["password_hash"], cmd.current_password.reveal()):
        raise WrongCurrentPassword()
    stream = await deps.uow.load(account_id)
    assert ctx.tenant_id is not None
    password = await identity.set_password(
        deps, ctx.tenant_id, account_id, cmd.new_password.reveal()
    )
    ended = SessionsEnded(account_id=account_id, kept_session_id=ctx.access.session_id)
    deps.uow.append("account", account_id, stream.version, [password, ended])
    return {"accountId": account_id}

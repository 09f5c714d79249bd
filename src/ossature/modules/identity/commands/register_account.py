"""register-account: a new account of the tenant, with its password's hash.

Credentials never travel in events: only their hash does.
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.i18n import Locale
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.modules.identity.errors import EmailTaken
from ossature.modules.identity.events import AccountRegistered, PasswordSet
from ossature.modules.identity.fields import DisplayName, Email, NewPassword, normalize_email
from ossature.modules.identity.projections import account_by_email
from ossature.modules.identity.service import IdentityService

__all__ = [
    "AccountRegistered",
    "PasswordSet",
    "RegisterAccount",
    "RegisterAccountAnswer",
    "register_account",
]


class RegisterAccount(Payload, frozen=True):
    email: Email
    display_name: DisplayName
    password: NewPassword
    locale: Locale = "en"


class RegisterAccountAnswer(TypedDict):
    accountId: str


async def register_account(ctx: Context, cmd: RegisterAccount, deps: Deps) -> RegisterAccountAnswer:
    email = normalize_email(cmd.email)
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        if await account_by_email(conn, email):
            raise EmailTaken({"email": email})
    account_id = new_id()
    password_hash = await deps.get(IdentityService).hash_password(cmd.password.reveal())
    registered = AccountRegistered(
        account_id=account_id,
        email=email,
        display_name=cmd.display_name.reveal(),
        locale=cmd.locale,
    )
    password = PasswordSet(account_id=account_id, password_hash=password_hash)
    deps.uow.append("account", account_id, 0, [registered, password])
    return {"accountId": account_id}

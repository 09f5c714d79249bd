"""register-account: a new account of the tenant, with its password.

Credentials never travel in events: the password's hash is kept in `account_passwords`
(decision 94). The email and the name are sealed with the account's own key (decision 93).
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.i18n import Locale
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.modules.identity._personal import seal_person
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
    assert ctx.tenant_id is not None
    identity, tenant_id = deps.get(IdentityService), ctx.tenant_id
    email = normalize_email(cmd.email.reveal())
    index = identity.email_index(tenant_id, email)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        if await account_by_email(conn, index):
            raise EmailTaken({"email": email})
    account_id = new_id()
    sealed_email, sealed_name = await seal_person(
        deps, tenant_id, account_id, email, cmd.display_name.reveal()
    )
    registered = AccountRegistered(
        account_id=account_id,
        email=sealed_email,
        display_name=sealed_name,
        locale=cmd.locale,
        email_index=index,
    )
    password = await identity.set_password(deps, tenant_id, account_id, cmd.password.reveal())
    deps.uow.append("account", account_id, 0, [registered, password])
    return {"accountId": account_id}

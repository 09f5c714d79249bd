"""forget-account: a person's data can no longer be read anywhere (decisions 89 and 95).

The account's own person may ask it, or whoever may deactivate accounts of the tenant. In the
command's one transaction: the account's key is deleted (`PersonalKeys.forget`: every value it
sealed, in events, read models, JetStream and mails' events, reads FORGOTTEN from then on),
its password's hash deleted, and `account-deactivated` (when it was not) then
`account-forgotten` appended on its stream. Deactivated, its credentials are refused by the
guard and its MQTT connections dropped by the kicker, as deactivate-account's; forgotten, its
email's blind index is cleared, so log-in with the old email answers as for an unknown one.
The events and the account's row stay, with their shape: history and audit keep their
entries, whose names read FORGOTTEN. Forgetting again changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import Denied
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity.commands.deactivate_account import AccountDeactivated
from ossature.modules.identity.errors import AccountNotFound, CannotForgetServiceAccount
from ossature.modules.identity.events import AccountForgotten
from ossature.modules.identity.projections import account_by_id
from ossature.modules.identity.service import IdentityService

__all__ = [
    "FORGETTING_OTHERS",
    "AccountForgotten",
    "ForgetAccount",
    "ForgetAccountAnswer",
    "decide_forget",
    "forget_account",
]

FORGETTING_OTHERS = "accounts.deactivate"
"""The action that lets one forget another's account: deactivate-account's."""


class ForgetAccount(Payload, frozen=True):
    account_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class ForgetAccountAnswer(TypedDict):
    accountId: str
    status: Literal["forgotten"]


def decide_forget(account: dict[str, Any] | None, account_id: str) -> list[Event]:
    """A person's account, deactivated first when it is not; nothing new once forgotten."""
    if account is None:
        raise AccountNotFound({"accountId": account_id})
    if account.get("kind") == "service":
        raise CannotForgetServiceAccount({"accountId": account_id})
    if account.get("forgotten_at") is not None:
        return []
    deactivated = [] if account["deactivated_at"] else [AccountDeactivated(account_id=account_id)]
    return [*deactivated, AccountForgotten(account_id=account_id)]


async def forget_account(ctx: Context, cmd: ForgetAccount, deps: Deps) -> ForgetAccountAnswer:
    assert ctx.access is not None and ctx.tenant_id is not None
    tenant_id, account_id = ctx.tenant_id, cmd.account_id
    mine = account_id == ctx.access.account_id
    if not mine and not deps.access.granting_folders(ctx, FORGETTING_OTHERS):
        raise Denied({"action": FORGETTING_OTHERS})
    async with deps.db.transaction(tenant_id) as conn:
        account = await account_by_id(conn, account_id)
        events = decide_forget(account, account_id)
        await deps.get(PersonalKeys).forget(conn, tenant_id, account_id)
    await deps.get(IdentityService).passwords.remove(deps, tenant_id, account_id)
    stream = await deps.uow.load(account_id)
    deps.uow.append("account", account_id, stream.version, events)
    return {"accountId": account_id, "status": "forgotten"}

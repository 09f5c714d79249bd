"""deactivate-account: an account of the tenant stops at once, everywhere.

From the commit on, the invocation guard refuses every credential of the account (its
sessions; it names the account, so one clause covers them all), log-in answers as for a
wrong password, the auth callout refuses its connections, and a worker drops the MQTT
connections it holds (decision 50). The account's row and history stay.
"""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity.errors import AccountNotFound, CannotDeactivateSelf
from ossature.modules.identity.projections import account_by_id

__all__ = [
    "AccountDeactivated",
    "DeactivateAccount",
    "DeactivateAccountAnswer",
    "deactivate_account",
    "decide_deactivate",
]


class DeactivateAccount(Payload, frozen=True):
    account_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class AccountDeactivated(Event, frozen=True):
    name = "account-deactivated"

    account_id: str


def decide_deactivate(
    actor_id: str, account_id: str, exists: bool, deactivated: bool
) -> list[Event]:
    """Not oneself (nobody would be left to undo it); an account deactivated already
    stays so, with no new event."""
    if account_id == actor_id:
        raise CannotDeactivateSelf()
    if not exists:
        raise AccountNotFound({"accountId": account_id})
    return [] if deactivated else [AccountDeactivated(account_id=account_id)]


class DeactivateAccountAnswer(TypedDict):
    accountId: str
    status: str


async def deactivate_account(
    ctx: Context, cmd: DeactivateAccount, deps: Deps
) -> DeactivateAccountAnswer:
    assert ctx.access is not None
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        account = await account_by_id(conn, cmd.account_id)
    stream = await deps.uow.load(cmd.account_id)
    deactivated = account is not None and account["deactivated_at"] is not None
    events = decide_deactivate(
        ctx.access.account_id, cmd.account_id, account is not None, deactivated
    )
    deps.uow.append("account", cmd.account_id, stream.version, events)
    return {"accountId": cmd.account_id, "status": "deactivated"}

"""request-password-reset (public): a reset link mailed to the address, if it has an account.

The answer, and the work before it, are the same whether or not the address has an account
of the tenant: the same lookup, a token id made and its secret derived, one event appended
on a stream of its own either way (a commit of one event takes the group commit's path, a
commit of none another: measured 4 ms apart). With no account the event says only that: no
address of a non-user is kept, and nothing is mailed. Only the tenant's name is not hidden:
it is its entry point's. The token is valid 30 minutes (decision 47).
"""

from __future__ import annotations

from typing import Annotated, Literal, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity._one_time import OneTimeTokens
from ossature.modules.identity.errors import TenantUnknown
from ossature.modules.identity.fields import Email
from ossature.modules.identity.projections import account_by_email
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.perimeter import admit_public
from ossature.modules.tenancy.projections import tenant_by_slug

__all__ = [
    "PasswordResetRequested",
    "PasswordResetUnmatched",
    "RequestPasswordReset",
    "RequestPasswordResetAnswer",
    "request_password_reset",
]


class RequestPasswordReset(Payload, frozen=True):
    tenant: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    email: Email


class PasswordResetRequested(Event, frozen=True):
    """A reset token's stream opens (stream type `password-reset`)."""

    name = "password-reset-requested"
    personal = ("email", "display_name")  # the account's sealed values (decision 93)

    token_id: str
    account_id: str
    email: str
    display_name: str
    locale: str


class PasswordResetUnmatched(Event, frozen=True):
    """A reset was asked for an address with no account of the tenant: no token is issued
    (its stream holds no account), no mail is sent; a count to watch for probing."""

    name = "password-reset-unmatched"

    token_id: str


class RequestPasswordResetAnswer(TypedDict):
    requested: Literal[True]


async def request_password_reset(
    ctx: Context, cmd: RequestPasswordReset, deps: Deps
) -> RequestPasswordResetAnswer:
    async with deps.db.transaction(None, readonly=True) as conn:
        tenant = await tenant_by_slug(conn, cmd.tenant)
    if tenant is None:
        raise TenantUnknown({"tenant": cmd.tenant})
    tenant_id, token_id = tenant["tenant_id"], new_id()
    deps.uow.use_tenant(tenant_id)
    await admit_public(ctx, deps, tenant_id)  # its entry point, its ranges (decision 54)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        index = deps.get(IdentityService).index_of(tenant_id, cmd.email.reveal())
        account = await account_by_email(conn, index)
    deps.get(OneTimeTokens).token("password-reset", tenant_id, token_id)  # the same work either way
    event: Event = PasswordResetUnmatched(token_id=token_id)
    if account is not None:
        event = PasswordResetRequested(
            token_id=token_id,
            account_id=account["account_id"],
            email=account["email"],
            display_name=account["display_name"],
            locale=account["locale"],
        )
    deps.uow.append("password-reset", token_id, 0, [event])
    return {"requested": True}

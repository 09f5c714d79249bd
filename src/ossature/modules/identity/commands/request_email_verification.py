"""request-email-verification: a link to prove the caller's address, mailed to it.

The request is a one-time token's stream (decision 47), valid 24 hours; its event carries
the address and the locale the mail needs, never the token's secret.
"""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.errors import NotFound
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity._personal import open_values
from ossature.modules.identity.errors import EmailAlreadyVerified
from ossature.modules.identity.projections import account_by_id

__all__ = [
    "EmailVerificationRequested",
    "RequestEmailVerification",
    "RequestEmailVerificationAnswer",
    "request_email_verification",
]


class RequestEmailVerification(Payload, frozen=True):
    pass


class EmailVerificationRequested(Event, frozen=True):
    """A verification token's stream opens (stream type `email-verification`)."""

    name = "email-verification-requested"
    personal = ("email", "display_name")  # the account's sealed values (decision 93)

    token_id: str
    account_id: str
    email: str
    display_name: str
    locale: str


class RequestEmailVerificationAnswer(TypedDict):
    verificationId: str


async def request_email_verification(
    ctx: Context, cmd: RequestEmailVerification, deps: Deps
) -> RequestEmailVerificationAnswer:
    assert ctx.access is not None and ctx.tenant_id is not None
    async with deps.db.transaction(ctx.tenant_id, readonly=True) as conn:
        account = await account_by_id(conn, ctx.access.account_id)
    if account is None:  # a service actor, or a user of no account
        raise NotFound({"accountId": ctx.access.account_id})
    if account["email_verified"]:
        (email,) = await open_values(deps, ctx.tenant_id, [account["email"]])
        raise EmailAlreadyVerified({"email": email})
    token_id = new_id()
    requested = EmailVerificationRequested(
        token_id=token_id,
        account_id=account["account_id"],
        email=account["email"],
        display_name=account["display_name"],
        locale=account["locale"],
    )
    deps.uow.append("email-verification", token_id, 0, [requested])
    return {"verificationId": token_id}

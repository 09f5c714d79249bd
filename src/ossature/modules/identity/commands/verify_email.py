"""verify-email (public): the link's token proves the address it was mailed to, once."""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.identity._personal import open_values
from ossature.modules.identity._request import refuse_forgotten, take_token
from ossature.modules.identity.commands.request_email_verification import (
    EmailVerificationRequested,
)
from ossature.modules.identity.events import EmailVerified
from ossature.modules.identity.fields import OneTimeToken

__all__ = ["VerifyEmail", "VerifyEmailAnswer", "verify_email"]


class VerifyEmail(Payload, frozen=True):
    token: OneTimeToken


class VerifyEmailAnswer(TypedDict):
    accountId: str
    email: str


async def verify_email(ctx: Context, cmd: VerifyEmail, deps: Deps) -> VerifyEmailAnswer:
    account_id, requested = await take_token(ctx, deps, "email-verification", cmd.token.reveal())
    assert isinstance(requested, EmailVerificationRequested)
    account = await deps.uow.load(account_id)
    refuse_forgotten(account)
    verified = EmailVerified(account_id=account_id, email=requested.email)  # sealed
    deps.uow.append("account", account_id, account.version, [verified])
    assert deps.uow.tenant_id is not None  # the token's (take_token)
    (email,) = await open_values(deps, deps.uow.tenant_id, [requested.email])
    return {"accountId": account_id, "email": email or ""}

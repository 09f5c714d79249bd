"""verify-email (public): the link's token proves the address it was mailed to, once."""

from __future__ import annotations

from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.identity._one_time import OneTimeTokens, check_use, issued
from ossature.modules.identity._request import tenant_of_request
from ossature.modules.identity.commands.request_email_verification import (
    EmailVerificationRequested,
)
from ossature.modules.identity.events import EmailVerified, TokenUsed
from ossature.modules.identity.fields import OneTimeToken
from ossature.modules.tenancy.perimeter import admit_public

__all__ = ["VerifyEmail", "VerifyEmailAnswer", "verify_email"]


class VerifyEmail(Payload, frozen=True):
    secret_fields = ("token",)

    token: OneTimeToken


class VerifyEmailAnswer(TypedDict):
    accountId: str
    email: str


async def verify_email(ctx: Context, cmd: VerifyEmail, deps: Deps) -> VerifyEmailAnswer:
    parts = deps.get(OneTimeTokens).check("email-verification", cmd.token, tenant_of_request(ctx))
    deps.uow.use_tenant(parts.tenant_id)
    await admit_public(ctx, deps, parts.tenant_id)  # its ranges (decision 54)
    stream = await deps.uow.load(parts.token_id)
    token = issued(stream, "email-verification")
    deps.uow.use_tenant(parts.tenant_id, token.account_id)
    check_use("email-verification", token.issued_at, token.used, deps.now)
    requested = stream.events[0]
    assert isinstance(requested, EmailVerificationRequested)
    account = await deps.uow.load(token.account_id)
    used = TokenUsed(token_id=parts.token_id, account_id=token.account_id)
    verified = EmailVerified(account_id=token.account_id, email=requested.email)
    deps.uow.append("email-verification", parts.token_id, token.version, [used])
    deps.uow.append("account", token.account_id, account.version, [verified])
    return {"accountId": token.account_id, "email": requested.email}

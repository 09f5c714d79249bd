"""enroll-totp: a TOTP secret proposed to the caller, pending until confirm-totp.

The secret travels sealed (decision 52): the event carries it sealed with the deployment's
key, bound to tenant and account; the answer shows it once and the idempotency record
never holds it (`unrecorded`). A repeat proposes the same secret, derived from the key.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity._personal import open_values
from ossature.modules.identity._totp import MfaKeys, otpauth_uri
from ossature.modules.identity.errors import TotpAlreadyOn
from ossature.modules.identity.mfa import Mfa, MfaEvent, mfa_of

__all__ = ["EnrollTotp", "EnrollTotpAnswer", "TotpEnrolled", "decide_enroll", "enroll_totp"]


class EnrollTotp(Payload, frozen=True):
    pass


class TotpEnrolled(MfaEvent, frozen=True):
    name = "totp-enrolled"

    account_id: str
    sealed_secret: str

    def evolve(self, mfa: Mfa) -> Mfa:
        return replace(mfa, pending=self.sealed_secret)


class EnrollTotpAnswer(TypedDict):
    secret: str
    otpauthUri: str


def decide_enroll(mfa: Mfa, account_id: str, sealed: str) -> list[Event]:
    """A pending secret replaces any earlier one; with MFA on, enrolling is refused."""
    if mfa.enabled:
        raise TotpAlreadyOn()
    return [TotpEnrolled(account_id=account_id, sealed_secret=sealed)]


async def enroll_totp(ctx: Context, cmd: EnrollTotp, deps: Deps) -> EnrollTotpAnswer:
    assert ctx.access is not None and ctx.tenant_id is not None
    keys, account_id = deps.get(MfaKeys), ctx.access.account_id
    stream = await deps.uow.load(account_id)
    mfa = mfa_of(stream.events)
    secret = keys.secret_for(ctx.tenant_id, account_id, ctx.trace.external_invocation_id)
    events = decide_enroll(mfa, account_id, keys.seal(ctx.tenant_id, account_id, secret))
    deps.uow.append("account", account_id, stream.version, events)
    (email,) = await open_values(deps, ctx.tenant_id, [mfa.email])  # sealed (decision 93)
    return {"secret": secret, "otpauthUri": otpauth_uri(secret, email or "")}

"""confirm-totp: a code of the pending secret turns MFA on, answered with recovery codes.

Ten recovery codes, shown once: the answer carries them, the idempotency record does not
(`unrecorded`), the event carries their keyed hashes only (decision 52). The code's step
counts as used.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity._totp import MfaKeys, accepted_step, new_recovery_codes
from ossature.modules.identity.errors import TotpAlreadyOn, TotpNotEnrolled, WrongCode
from ossature.modules.identity.fields import Code
from ossature.modules.identity.mfa import Mfa, MfaEvent, mfa_of

__all__ = [
    "ConfirmTotp",
    "ConfirmTotpAnswer",
    "TotpConfirmed",
    "confirm_totp",
    "decide_confirm",
]


class ConfirmTotp(Payload, frozen=True):
    code: Code


class TotpConfirmed(MfaEvent, frozen=True):
    name = "totp-confirmed"

    account_id: str
    step: int
    recovery_codes: list[str]  # keyed hashes

    def evolve(self, mfa: Mfa) -> Mfa:
        codes = dict.fromkeys(self.recovery_codes, "")
        confirmed = replace(mfa, secret=mfa.pending, pending=None, recovery=codes)
        return confirmed.used_step(self.step, "")


class ConfirmTotpAnswer(TypedDict):
    recoveryCodes: list[str]


def decide_confirm(
    mfa: Mfa, secret: str, code: str, now: int, account_id: str, hashes: list[str]
) -> list[Event]:
    """The pending secret's code at `now` turns MFA on, with these recovery codes' hashes."""
    if mfa.enabled:
        raise TotpAlreadyOn()
    step = accepted_step(secret, code, now, mfa.last_step)
    if step is None:
        raise WrongCode()
    return [TotpConfirmed(account_id=account_id, step=step, recovery_codes=hashes)]


async def confirm_totp(ctx: Context, cmd: ConfirmTotp, deps: Deps) -> ConfirmTotpAnswer:
    assert ctx.access is not None and ctx.tenant_id is not None
    keys, account_id = deps.get(MfaKeys), ctx.access.account_id
    stream = await deps.uow.load(account_id)
    mfa = mfa_of(stream.events)
    if mfa.pending is None:
        raise TotpAlreadyOn() if mfa.enabled else TotpNotEnrolled()
    secret = keys.open(ctx.tenant_id, account_id, mfa.pending)
    codes = new_recovery_codes()
    now = int(deps.now.timestamp())
    events = decide_confirm(
        mfa, secret, cmd.code.reveal(), now, account_id, keys.hashes(account_id, codes)
    )
    deps.uow.append("account", account_id, stream.version, events)
    return {"recoveryCodes": codes}

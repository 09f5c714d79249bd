"""disable-totp: a code of the account's (TOTP, or an unused recovery code, for whoever lost
the device) turns MFA off. The code counts as used; the recovery codes go with the secret."""

from __future__ import annotations

from dataclasses import replace
from typing import TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.identity._totp import MfaKeys, accepted_step, is_recovery_code
from ossature.modules.identity.errors import TotpNotOn, WrongCode
from ossature.modules.identity.fields import Code
from ossature.modules.identity.mfa import Mfa, MfaEvent, mfa_of

__all__ = ["DisableTotp", "DisableTotpAnswer", "TotpDisabled", "decide_disable", "disable_totp"]


class DisableTotp(Payload, frozen=True):
    code: Code


class TotpDisabled(MfaEvent, frozen=True):
    name = "totp-disabled"

    account_id: str
    step: int | None = None  # the TOTP code's step, when it was one

    def evolve(self, mfa: Mfa) -> Mfa:
        off = replace(mfa, secret=None, pending=None, recovery={})
        return off if self.step is None else off.used_step(self.step, "")


class DisableTotpAnswer(TypedDict):
    accountId: str


def decide_disable(
    mfa: Mfa, secret: str, code: str, code_hash: str, now: int, account_id: str
) -> list[Event]:
    """MFA off, given a TOTP code of now (not used before) or an unused recovery code."""
    if not mfa.enabled:
        raise TotpNotOn()
    if is_recovery_code(code):
        if mfa.recovery.get(code_hash) != "":
            raise WrongCode()
        return [TotpDisabled(account_id=account_id)]
    step = accepted_step(secret, code, now, mfa.last_step)
    if step is None:
        raise WrongCode()
    return [TotpDisabled(account_id=account_id, step=step)]


async def disable_totp(ctx: Context, cmd: DisableTotp, deps: Deps) -> DisableTotpAnswer:
    assert ctx.access is not None and ctx.tenant_id is not None
    keys, account_id = deps.get(MfaKeys), ctx.access.account_id
    stream = await deps.uow.load(account_id)
    mfa = mfa_of(stream.events)
    if mfa.secret is None:
        raise TotpNotOn()
    secret = keys.open(ctx.tenant_id, account_id, mfa.secret)
    now, code_hash = int(deps.now.timestamp()), keys.hash_code(account_id, cmd.code.reveal())
    events = decide_disable(mfa, secret, cmd.code.reveal(), code_hash, now, account_id)
    deps.uow.append("account", account_id, stream.version, events)
    return {"accountId": account_id}

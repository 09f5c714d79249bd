"""complete-log-in: an MFA token from log-in and a code of the account's open the session.

Public: the MFA token says who passed the password step, in which tenant. The session is
named by the MFA token's id, so a token opens one session at most; the code counts as
used by that session (`mfa-challenge-passed` on the account's stream), so neither the code
(at its time step, or any earlier one) nor a recovery code works twice. A repeat (same
Idempotency-Key) is answered as log-in's (decision 35). A wrong code counts as a failed
log-in, and a locked account or address is refused before the code is read (decision 53): the code this session used is
accepted again for it, and the commit answers the first outcome with a fresh token.
"""

from __future__ import annotations

from dataclasses import dataclass

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.keys import PersonalKeys
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.projections import grants_of
from ossature.modules.identity._log_in_gate import LogInGate
from ossature.modules.identity._mfa_tokens import MfaClaims, verify_mfa
from ossature.modules.identity._tokens import InvalidToken
from ossature.modules.identity._totp import MfaKeys, accepted_step
from ossature.modules.identity.commands.log_in import (
    SessionAnswer,
    access_claims,
    opened_session,
    session_of,
)
from ossature.modules.identity.errors import (
    MfaTokenInvalid,
    MfaTokenUsed,
    OneCodeRequired,
    WrongLogInCode,
)
from ossature.modules.identity.fields import Code, MfaToken
from ossature.modules.identity.mfa import Mfa, MfaEvent, mfa_of
from ossature.modules.identity.projections import account_by_id
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.perimeter import admit_public

__all__ = [
    "CompleteLogIn",
    "MfaChallengePassed",
    "Opened",
    "complete_log_in",
    "decide_complete",
]


class CompleteLogIn(Payload, frozen=True):
    mfa_token: MfaToken
    code: Code | None = None
    recovery_code: Code | None = None


@dataclass(frozen=True)
class Opened:
    """The session an MFA token opens, and whether it was opened before."""

    account_id: str
    session_id: str
    before: bool


class MfaChallengePassed(MfaEvent, frozen=True):
    name = "mfa-challenge-passed"

    account_id: str
    session_id: str
    step: int | None = None  # the TOTP code's time step, or
    recovery_code: str | None = None  # the recovery code's keyed hash

    def evolve(self, mfa: Mfa) -> Mfa:
        if self.recovery_code is not None:
            return mfa.used_code(self.recovery_code, self.session_id)
        assert self.step is not None
        return mfa.used_step(self.step, self.session_id)


def decide_complete(
    mfa: Mfa, secret: str, cmd: CompleteLogIn, code_hash: str, now: int, opened: Opened
) -> list[Event]:
    """The code (TOTP, or recovery) passes once, for the session the MFA token names;
    MfaTokenUsed when that session was opened already, with another code."""
    if not mfa.enabled:
        raise MfaTokenInvalid()
    account_id, session = opened.account_id, opened.session_id
    if cmd.recovery_code is not None:
        owner = mfa.recovery.get(code_hash)
        if owner not in ("", session):
            raise MfaTokenUsed() if opened.before else WrongLogInCode()
        if opened.before and owner != session:
            raise MfaTokenUsed()
        return [
            MfaChallengePassed(account_id=account_id, session_id=session, recovery_code=code_hash)
        ]
    assert cmd.code is not None
    step = accepted_step(secret, cmd.code.reveal(), now, mfa.last_step)
    if step is None and mfa.last_step_session == session:  # this session's own code, again
        again = accepted_step(secret, cmd.code.reveal(), now, mfa.last_step - 1)
        step = again if again == mfa.last_step else None
    elif opened.before:
        raise MfaTokenUsed()
    if step is None:
        raise WrongLogInCode()
    return [MfaChallengePassed(account_id=account_id, session_id=session, step=step)]


async def complete_log_in(ctx: Context, cmd: CompleteLogIn, deps: Deps) -> SessionAnswer:
    if (cmd.code is None) == (cmd.recovery_code is None):
        raise OneCodeRequired()
    identity, keys, now = deps.get(IdentityService), deps.get(MfaKeys), int(deps.now.timestamp())
    claims = _verified(identity, cmd.mfa_token.reveal(), now)
    tenant_id, account_id = claims.tenant_id, claims.account_id
    deps.uow.use_tenant(tenant_id, account_id)
    await admit_public(ctx, deps, tenant_id)  # its entry point, its ranges (decision 54)
    session_id = session_of(tenant_id, account_id, claims.token_id)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        account = await account_by_id(conn, account_id)
        email = account and await deps.get(PersonalKeys).open(conn, tenant_id, account["email"])
        gate = LogInGate.of(ctx, deps, tenant_id, email or account_id)
        await gate.check(conn)  # locked by wrong passwords or codes: 429
        grants = await grants_of(conn, account_id) if account else []
    deps.uow.use_tenant(tenant_id, account_id)
    stream, session = await deps.uow.load(account_id), await deps.uow.load(session_id)
    mfa = mfa_of(stream.events)
    if account is None or mfa.secret is None:
        raise MfaTokenInvalid()
    secret = keys.open(tenant_id, account_id, mfa.secret)
    code_hash = keys.hash_code(account_id, cmd.recovery_code.reveal() if cmd.recovery_code else "")
    opened = Opened(account_id, session_id, before=session.version > 0)
    try:
        events = decide_complete(mfa, secret, cmd, code_hash, now, opened)
    except WrongLogInCode:  # a wrong code counts as a failed log-in (decision 53)
        await gate.failed(account_id)
        raise
    await gate.succeeded()
    deps.uow.append("account", account_id, stream.version, events)
    access = access_claims(account, tenant_id, grants, session_id, now, identity.token_lifetime)
    first_log_in = account["logged_in_at"] is None
    return opened_session(deps, access, session.version, first_log_in)


def _verified(identity: IdentityService, token: str, now: int) -> MfaClaims:
    try:
        return verify_mfa(identity.keys, token, now)
    except InvalidToken:
        raise MfaTokenInvalid() from None

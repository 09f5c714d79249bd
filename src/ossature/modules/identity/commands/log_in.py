"""log-in: a new session of an account, answered with its access token.

Each session is a stream of its own, so concurrent log-ins never conflict. The token is
never recorded under the idempotency key (the spec's `unrecorded`): a repeat verifies the
password again and is answered with a fresh token for the same session, whose id the key
decides (decision 35). With MFA on, the password opens no session: the answer is an MFA
token for complete-log-in (decision 52). The answer's refresh token keeps the session going
by refresh-session while it is used within the idle window (decision 58).
"""

from __future__ import annotations

from hashlib import blake2b
from typing import Annotated, Any, TypedDict

import msgspec
from ulid import ULID
from ulid_transform import bytes_to_ulid

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.projections import grants_of
from ossature.modules.identity._credentials import make_refresh_token
from ossature.modules.identity._log_in_gate import LogInGate
from ossature.modules.identity._mfa_tokens import MfaChallenge, challenge
from ossature.modules.identity._tokens import AccessClaims, RoleGrant
from ossature.modules.identity.enforcement import ENROLLMENT, must_enroll
from ossature.modules.identity.errors import InvalidCredentials
from ossature.modules.identity.fields import Email, Password
from ossature.modules.identity.projections import active_account_by_email
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.perimeter import PLATFORM_TENANT, tenant_of_request

__all__ = [
    "LogIn",
    "LogInAnswer",
    "SessionAnswer",
    "UserLoggedIn",
    "access_claims",
    "log_in",
    "opened_session",
    "session_of",
]


class LogIn(Payload, frozen=True):
    email: Email
    password: Password
    # the tenant's slug; may be omitted at the tenant's entry point (<slug>.<root domain>)
    tenant: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None


class UserLoggedIn(Event, frozen=True):
    name = "user-logged-in"

    account_id: str
    session_id: str
    expires_at: int
    first_log_in: bool = False  # no log-in of the account before, as the accounts table says
    refreshable_until: int | None = None  # refresh-session works until then (decision 58)


class SessionAnswer(TypedDict):
    accessToken: str
    expiresAt: int
    sessionId: str
    refreshToken: str
    refreshableUntil: int


LogInAnswer = SessionAnswer | MfaChallenge


async def log_in(ctx: Context, cmd: LogIn, deps: Deps) -> LogInAnswer:
    identity = deps.get(IdentityService)
    # naming no tenant, outside any entry point: the platform's, where operators log in
    tenant = await tenant_of_request(ctx, deps, cmd.tenant, PLATFORM_TENANT)
    if tenant is None:  # tenants are public (their entry points are names): no Argon2
        raise InvalidCredentials()
    tenant_id = tenant["tenant_id"]
    gate = LogInGate.of(ctx, deps, tenant_id, cmd.email.reveal())
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        await gate.check(conn)  # locked: 429, before any Argon2
        account = await active_account_by_email(
            conn, identity.index_of(tenant_id, cmd.email.reveal())
        )
        grants = await grants_of(conn, account["account_id"]) if account else []
        scope = ENROLLMENT if await must_enroll(conn, account) else None
    stored = account["password_hash"] if account else None
    if not await identity.verify_password(stored, cmd.password.reveal()) or not account:
        await gate.failed(account["account_id"] if account else None)
        raise InvalidCredentials()
    deps.uow.use_tenant(tenant_id, account["account_id"])
    if account["mfa_enabled"]:  # its failures stand until a code passes (complete-log-in)
        return challenge(identity.keys, account["account_id"], tenant_id, int(deps.now.timestamp()))
    await gate.succeeded()
    session_id = session_of(tenant_id, account["account_id"], ctx.trace.external_invocation_id)
    now, lifetime = int(deps.now.timestamp()), identity.token_lifetime
    claims = access_claims(account, tenant_id, grants, session_id, now, lifetime, scope)
    return opened_session(deps, claims, 0, first_log_in=account["logged_in_at"] is None)


def opened_session(
    deps: Deps, claims: AccessClaims, version: int, first_log_in: bool
) -> SessionAnswer:
    """Append `user-logged-in` for the session `claims` name (its stream at `version`), its
    idle window starting now, and answer its access and refresh tokens."""
    identity = deps.get(IdentityService)
    refreshable_until = claims.issued_at + identity.session_idle
    event = UserLoggedIn(
        account_id=claims.account_id,
        session_id=claims.session_id,
        expires_at=claims.expires_at,
        first_log_in=first_log_in,
        refreshable_until=refreshable_until,
    )
    deps.uow.append("session", claims.session_id, version, [event])
    return {
        "accessToken": identity.issue(claims),
        "expiresAt": claims.expires_at,
        "sessionId": claims.session_id,
        "refreshToken": make_refresh_token(
            identity.credential_key, claims.tenant_id, claims.session_id
        ),
        "refreshableUntil": refreshable_until,
    }


def session_of(tenant_id: str, account_id: str, key: str) -> str:
    """The session a log-in with idempotency key `key` opens: a ULID with the key's time and
    a digest of the three, so a repeat of the log-in names the same session."""
    digest = blake2b(f"{tenant_id}\n{account_id}\n{key}".encode(), digest_size=10).digest()
    return bytes_to_ulid(ULID.from_str(key).bytes[:6] + digest)


def access_claims(
    account: dict[str, Any],
    tenant_id: str,
    grants: list[tuple[str, str]],
    session_id: str,
    now: int,
    lifetime: int,
    scope: str | None = None,
) -> AccessClaims:
    """A session's claims; limited to `scope`, it carries no grants (decision 52)."""
    return AccessClaims(
        account_id=account["account_id"],
        tenant_id=tenant_id,
        session_id=session_id,
        locale=account["locale"],
        grants=() if scope else tuple(RoleGrant(role, folder) for role, folder in grants),
        issued_at=now,
        not_before=now,
        expires_at=now + lifetime,
        token_id=new_id(),
        scope=scope,
    )

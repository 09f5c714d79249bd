"""refresh-session: a session's refresh token renews its access token (decision 58).

Public: the refresh token names the tenant and the session, and its derived secret proves
it (nothing secret is stored). It works while the session is open (not logged out, not
ended by a change of password), its account active, and it was last refreshed (or opened)
less than the idle window ago; each refresh moves that window on and the guard's expiry with
the new token. Grants, locale and the MFA-enrollment limit are read afresh, so a change
reaches the session at its next refresh. Any refusal is the one `identity.session-ended`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.projections import grants_of
from ossature.modules.identity._credentials import parse_refresh_token
from ossature.modules.identity.commands.log_in import SessionAnswer, access_claims
from ossature.modules.identity.enforcement import ENROLLMENT, must_enroll
from ossature.modules.identity.errors import SessionEnded
from ossature.modules.identity.fields import RefreshToken
from ossature.modules.identity.projections import refreshable_session
from ossature.modules.identity.service import IdentityService
from ossature.modules.tenancy.perimeter import admit_public

__all__ = ["RefreshSession", "SessionRefreshed", "decide_refresh", "refresh_session"]


class RefreshSession(Payload, frozen=True):
    refresh_token: RefreshToken


class SessionRefreshed(Event, frozen=True):
    name = "session-refreshed"

    account_id: str
    session_id: str
    expires_at: int  # the new access token's expiry, which the guard checks
    refreshable_until: int


def decide_refresh(
    session: dict[str, Any] | None, now: datetime, expires_at: int, idle: int
) -> SessionRefreshed:
    """The refresh of `session` (its row, with its account's) at `now`; SessionEnded once it
    has ended, lapsed, or its account is deactivated, and for an impersonation's."""
    if (
        session is None
        or session["ended_at"] is not None
        or session["deactivated_at"] is not None
        or session["refreshable_until"] is None
        or session["refreshable_until"] <= now
    ):
        raise SessionEnded()
    return SessionRefreshed(
        account_id=session["account_id"],
        session_id=session["credential_id"],
        expires_at=expires_at,
        refreshable_until=int(now.timestamp()) + idle,
    )


async def refresh_session(ctx: Context, cmd: RefreshSession, deps: Deps) -> SessionAnswer:
    identity = deps.get(IdentityService)
    named = parse_refresh_token(identity.credential_key, cmd.refresh_token.reveal())
    if named is None:
        raise SessionEnded()
    tenant_id, session_id = named
    deps.uow.use_tenant(tenant_id)
    await admit_public(ctx, deps, tenant_id)
    async with deps.db.transaction(tenant_id, readonly=True) as conn:
        session = await refreshable_session(conn, session_id)
        grants = await grants_of(conn, session["account_id"]) if session else []
        scope = ENROLLMENT if await must_enroll(conn, session) else None
    now = int(deps.now.timestamp())
    expires_at = now + identity.token_lifetime
    refreshed = decide_refresh(session, deps.now, expires_at, identity.session_idle)
    assert session is not None
    deps.uow.use_tenant(tenant_id, refreshed.account_id)
    stream = await deps.uow.load(session_id)
    deps.uow.append("session", session_id, stream.version, [refreshed])
    claims = access_claims(
        session, tenant_id, grants, session_id, now, identity.token_lifetime, scope
    )
    return {
        "accessToken": identity.issue(claims),
        "expiresAt": claims.expires_at,
        "sessionId": session_id,
        "refreshToken": cmd.refresh_token.reveal(),
        "refreshableUntil": refreshed.refreshable_until,
    }

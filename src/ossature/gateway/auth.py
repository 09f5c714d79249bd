"""Authentication: a bearer access token, verified, and its session still open."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from starlette.requests import Request

from ossature.kernel.context import Actor, Grant
from ossature.kernel.database import Database
from ossature.kernel.errors import Unauthenticated
from ossature.modules.identity._tokens import AccessClaims, InvalidToken, KeyRing
from ossature.modules.identity.errors import SessionEnded
from ossature.modules.identity.projections import session_is_active

__all__ = ["Authenticator"]


class Authenticator:
    """Turns an Authorization header into an Actor, or refuses it."""

    def __init__(self, keys: KeyRing, db: Database) -> None:
        self.keys, self.db = keys, db

    async def actor(self, request: Request) -> Actor | None:
        """None without a header; Unauthenticated for any bad token or ended session."""
        actor = self.claimed_actor(request)
        if actor is not None and actor.session_id is not None:
            async with self.db.transaction(actor.tenant_id, readonly=True) as conn:
                if not await session_is_active(conn, actor.session_id, datetime.now(UTC)):
                    raise SessionEnded()
        return actor

    def claimed_actor(self, request: Request) -> Actor | None:
        """The token's actor, its session not yet checked: for routes whose pipeline checks it."""
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated({"reason": "scheme"})
        try:
            claims = self.keys.verify(token.strip(), int(time.time()))
        except InvalidToken as error:
            raise Unauthenticated({"reason": error.reason}) from error
        return _actor(claims)


def _actor(claims: AccessClaims) -> Actor:
    return Actor(
        account_id=claims.account_id,
        kind="user",
        tenant_id=claims.tenant_id,
        locale=claims.locale,
        mechanism="session",
        session_id=claims.session_id,
        grants=tuple(Grant(role=g.role, folder_id=g.folder_id) for g in claims.grants),
    )

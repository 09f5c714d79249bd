"""Authentication: a bearer access token of a session (EdDSA, verified here), or a personal
access token or API key (identity's `TokenAuthentication`); the pipeline checks the
credential is still live, in the invocation's transaction (decision 49)."""

from __future__ import annotations

import time

from ossature.gateway.incoming import Asked
from ossature.kernel.context import Actor, Grant
from ossature.kernel.errors import Unauthenticated
from ossature.modules.identity._tokens import AccessClaims, InvalidToken, KeyRing
from ossature.modules.identity.credentials import TokenAuthentication, is_credential_token

__all__ = ["Authenticator"]


class Authenticator:
    """Turns an Authorization header into an Actor, or refuses it."""

    def __init__(self, keys: KeyRing, tokens: TokenAuthentication) -> None:
        self.keys, self.tokens = keys, tokens

    async def actor(self, request: Asked) -> Actor | None:
        """None without a header; Unauthenticated for any bad token."""
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated({"reason": "scheme"})
        if is_credential_token(token):
            return await self.tokens.actor(token)
        try:
            claims = self.keys.verify(token, int(time.time()))
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
        credential_id=claims.session_id,
        on_behalf_of=claims.acting_party,
        grants=tuple(Grant(role=g.role, folder_id=g.folder_id) for g in claims.grants),
        restricted_to=claims.scope,
    )

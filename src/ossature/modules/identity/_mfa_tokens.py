"""MFA tokens: what log-in answers instead of an access token when the account has MFA on.

Signed by the same key ring as access tokens, with an audience of its own
(`ossature-mfa`), so an MFA token is never accepted as an access token (their audience is
`ossature`, checked strictly) nor an access token as an MFA token. It names the account
and the tenant, lives 5 minutes, and completes one log-in: the session it opens is named
by its id (decision 52).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import jwt
from jwt.types import Options

from ossature.kernel.ids import new_id
from ossature.modules.identity._tokens import ALGORITHM, ISSUER, LEEWAY, InvalidToken, KeyRing

__all__ = [
    "MFA_AUDIENCE",
    "MFA_TOKEN_LIFETIME",
    "MfaChallenge",
    "MfaClaims",
    "challenge",
    "issue_mfa",
    "verify_mfa",
]

MFA_AUDIENCE = "ossature-mfa"
MFA_TOKEN_LIFETIME = 5 * 60
_CLAIMS = ("iss", "aud", "sub", "tid", "jti", "iat", "exp")
_OPTIONS: Options = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": True,
    "verify_iss": True,
    "strict_aud": True,
    "require": list(_CLAIMS),
}


@dataclass(frozen=True)
class MfaClaims:
    """Who passed the password step, in which tenant, and until when (unix seconds)."""

    account_id: str
    tenant_id: str
    token_id: str
    issued_at: int
    expires_at: int


def issue_mfa(keys: KeyRing, claims: MfaClaims) -> str:
    """The signed MFA token of `claims`."""
    payload = {
        "iss": ISSUER,
        "aud": MFA_AUDIENCE,
        "sub": claims.account_id,
        "tid": claims.tenant_id,
        "jti": claims.token_id,
        "iat": claims.issued_at,
        "exp": claims.expires_at,
    }
    headers = {"kid": keys.active.kid, "typ": "JWT"}
    return jwt.encode(payload, keys.active.private_key, algorithm=ALGORITHM, headers=headers)


def verify_mfa(keys: KeyRing, token: str, now: int) -> MfaClaims:
    """The claims of a valid, unexpired MFA token; InvalidToken otherwise."""
    key = keys.verifying_key(token)
    try:
        payload = jwt.decode(
            token,
            key.private_key.public_key(),
            algorithms=[ALGORITHM],
            audience=MFA_AUDIENCE,
            issuer=ISSUER,
            options=_OPTIONS,
        )
    except jwt.InvalidTokenError:
        raise InvalidToken("claims") from None
    claims = _claims(payload)
    if now - LEEWAY >= claims.expires_at:
        raise InvalidToken("expired")
    return claims


def _claims(payload: dict[str, Any]) -> MfaClaims:
    strings = all(isinstance(payload[name], str) for name in ("sub", "tid", "jti"))
    times = all(type(payload[name]) is int for name in ("iat", "exp"))
    if not (strings and times) or not 0 < payload["exp"] - payload["iat"] <= MFA_TOKEN_LIFETIME:
        raise InvalidToken("claims")
    return MfaClaims(payload["sub"], payload["tid"], payload["jti"], payload["iat"], payload["exp"])


class MfaChallenge(TypedDict):
    """log-in's answer when the account has MFA on: no access token, no session yet."""

    mfaRequired: Literal[True]
    mfaToken: str


def challenge(keys: KeyRing, account_id: str, tenant_id: str, now: int) -> MfaChallenge:
    """log-in's answer for an account with MFA on: an MFA token for complete-log-in."""
    claims = MfaClaims(account_id, tenant_id, new_id(), now, now + MFA_TOKEN_LIFETIME)
    return {"mfaRequired": True, "mfaToken": issue_mfa(keys, claims)}

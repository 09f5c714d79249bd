"""EdDSA (Ed25519) access tokens, signed by one active key and verified by any key of a ring.

`KeyRing.verify` is pure: it takes `now` rather than reading the clock, so PyJWT's own
exp/nbf/iat checks are disabled and done here. Only `alg: EdDSA` is accepted, which
closes the `none` and HS256-with-the-public-key attacks before any key is touched.
"""

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.types import Options
from ulid import ULID

__all__ = [
    "ALGORITHM",
    "AUDIENCE",
    "ISSUER",
    "LEEWAY",
    "MAX_TOKEN_LIFETIME",
    "AccessClaims",
    "InvalidToken",
    "KeyRing",
    "RoleGrant",
    "SigningKey",
]

ALGORITHM = "EdDSA"
ISSUER = "ossature"
AUDIENCE = "ossature"
MAX_TOKEN_LIFETIME = 30 * 60
LEEWAY = 5
_STRING_CLAIMS = ("sub", "tid", "sid", "locale", "jti")
_TIME_CLAIMS = ("iat", "nbf", "exp")
_DECODE_OPTIONS: Options = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": True,
    "verify_iss": True,
    "verify_sub": True,
    "verify_jti": True,
    "strict_aud": True,
    "require": ["iss", "aud", *_STRING_CLAIMS, *_TIME_CLAIMS, "roles"],
}


@dataclass(frozen=True)
class RoleGrant:
    """A role held at a folder scope."""

    role: str
    folder_id: str


@dataclass(frozen=True)
class AccessClaims:
    """What an access token asserts; times are unix seconds."""

    account_id: str
    tenant_id: str
    session_id: str
    locale: str
    grants: tuple[RoleGrant, ...]
    issued_at: int
    not_before: int
    expires_at: int
    token_id: str
    # What the token is limited to: "mfa-enrollment" when its tenant requires MFA and the
    # account has none yet (decision 52). The claim `scope`, absent when unlimited.
    scope: str | None = None
    acting_party: str | None = None  # impersonation: the operator's account id (RFC 8693 `act`)


class InvalidToken(Exception):
    """A token was refused; `reason` says why, in a stable word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SigningKey:
    """One Ed25519 key pair and its key id."""

    kid: str
    private_key: Ed25519PrivateKey = field(repr=False, compare=False)

    @classmethod
    def generate(cls) -> "SigningKey":
        """A fresh key with a ULID for a kid."""
        return cls(str(ULID()), Ed25519PrivateKey.generate())

    def to_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (the kid is kept separately)."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @classmethod
    def from_pem(cls, kid: str, pem: bytes) -> "SigningKey":
        """Load a key written by `to_pem`; ValueError if it is not an Ed25519 private key."""
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("not an Ed25519 private key")
        return cls(kid, key)

    def public_jwk(self) -> dict[str, str]:
        """The public half as a JWK (RFC 8037)."""
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": x,
            "kid": self.kid,
            "alg": ALGORITHM,
            "use": "sig",
        }


class KeyRing:
    """The active key signs; every key in the ring verifies."""

    def __init__(self, active: SigningKey, others: Sequence[SigningKey] = ()) -> None:
        self.active = active
        self._keys = {key.kid: key for key in (*others, active)}
        self._verified: dict[str, AccessClaims] = {}  # signature checked; times checked per use
        if len(self._keys) != 1 + len(others):
            raise ValueError("key ids in a ring must be distinct")

    def issue(self, claims: AccessClaims) -> str:
        """Sign `claims`; ValueError if the lifetime is not within (0, MAX_TOKEN_LIFETIME]."""
        lifetime = claims.expires_at - claims.not_before
        if not 0 < lifetime <= MAX_TOKEN_LIFETIME:
            raise ValueError(f"token lifetime must be within (0, {MAX_TOKEN_LIFETIME}] s")
        headers = {"kid": self.active.kid, "typ": "JWT"}
        key = self.active.private_key
        return jwt.encode(_to_payload(claims), key, algorithm=ALGORITHM, headers=headers)

    def verify(self, token: str, now: int) -> AccessClaims:
        """The token's claims if it is valid at `now`; otherwise raise InvalidToken.

        A token whose signature and claims were checked once is kept (up to
        `_VERIFIED_KEPT` tokens), so a client's next requests skip the signature check;
        the validity window is checked on every call.
        """
        claims = self._verified.get(token)
        if claims is None:
            claims = _to_claims(_decode(token, self._key_for(_header(token))))
            if len(self._verified) >= _VERIFIED_KEPT:
                self._verified.pop(next(iter(self._verified)))
            self._verified[token] = claims
        if now - LEEWAY >= claims.expires_at:
            raise InvalidToken("expired")
        if now + LEEWAY < claims.not_before:
            raise InvalidToken("not-yet-valid")
        return claims

    def verifying_key(self, token: str) -> SigningKey:
        """The ring's key named by `token`'s header, for a token of another kind (an MFA
        token); InvalidToken when the header is malformed or names no key of the ring."""
        return self._key_for(_header(token))

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """Every key's public JWK, for `/.well-known/jwks.json`."""
        return {"keys": [key.public_jwk() for key in self._keys.values()]}

    def rotated(self, new_active: SigningKey) -> "KeyRing":
        """A new ring in which `new_active` signs and the current keys still verify."""
        return KeyRing(new_active, list(self._keys.values()))

    def _key_for(self, header: Mapping[str, Any]) -> SigningKey:
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("algorithm")
        kid = header.get("kid")
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("unknown-key")
        return key


_VERIFIED_KEPT = 10_000


def _header(token: str) -> dict[str, Any]:
    try:
        return jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:  # DecodeError, or a header PyJWT rejects (e.g. a non-string kid)
        raise InvalidToken("malformed") from None


def _decode(token: str, key: SigningKey) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            key.private_key.public_key(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options=_DECODE_OPTIONS,
        )
    except jwt.InvalidSignatureError:
        raise InvalidToken("signature") from None
    except jwt.DecodeError:
        raise InvalidToken("malformed") from None
    except jwt.InvalidTokenError:
        raise InvalidToken("claims") from None


def _to_payload(claims: AccessClaims) -> dict[str, Any]:
    roles = [{"role": g.role, "folderId": g.folder_id} for g in claims.grants]
    scope = {} if claims.scope is None else {"scope": claims.scope}
    acting = {} if claims.acting_party is None else {"act": {"sub": claims.acting_party}}
    return {
        **scope,
        **acting,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": claims.account_id,
        "tid": claims.tenant_id,
        "sid": claims.session_id,
        "locale": claims.locale,
        "roles": roles,
        "iat": claims.issued_at,
        "nbf": claims.not_before,
        "exp": claims.expires_at,
        "jti": claims.token_id,
    }


def _to_claims(payload: Mapping[str, Any]) -> AccessClaims:
    _check_types(payload)
    claims = AccessClaims(
        account_id=payload["sub"],
        tenant_id=payload["tid"],
        session_id=payload["sid"],
        locale=payload["locale"],
        grants=_grants(payload["roles"]),
        issued_at=payload["iat"],
        not_before=payload["nbf"],
        expires_at=payload["exp"],
        token_id=payload["jti"],
        scope=payload.get("scope"),
        acting_party=_acting_party(payload.get("act")),
    )
    if claims.expires_at - claims.not_before > MAX_TOKEN_LIFETIME:
        raise InvalidToken("claims")
    return claims


def _check_types(payload: Mapping[str, Any]) -> None:
    strings_ok = all(isinstance(payload[name], str) for name in _STRING_CLAIMS)
    times_ok = all(_is_int(payload[name]) for name in _TIME_CLAIMS)
    scope_ok = isinstance(payload.get("scope", ""), str)
    if not (strings_ok and times_ok and scope_ok and isinstance(payload["roles"], list)):
        raise InvalidToken("claims")


def _acting_party(act: object) -> str | None:
    """The `act` claim's subject (optional: tokens without it are the account's own)."""
    if act is None:
        return None
    if not isinstance(act, dict) or not isinstance(act.get("sub"), str):
        raise InvalidToken("claims")
    return str(act["sub"])


def _grants(roles: list[Any]) -> tuple[RoleGrant, ...]:
    if not all(_is_grant(role) for role in roles):
        raise InvalidToken("claims")
    return tuple(RoleGrant(role["role"], role["folderId"]) for role in roles)


def _is_grant(role: object) -> bool:
    if not isinstance(role, dict):
        return False
    return isinstance(role.get("role"), str) and isinstance(role.get("folderId"), str)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

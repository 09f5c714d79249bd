"""Personal access tokens and API keys as strings: made, parsed, checked (decision 48).

A token reads `oss_pat_` (or `oss_key_`), the tenant's id, the credential's id (two ULIDs,
26 characters each) and a secret of 32 bytes in unpadded base64url (43 characters): 103
characters in all. The tenant comes first so that the gateway can confine its lookup to it
under row-level security before it knows anything else; the id finds the row by its primary
key. The secret is derived, HMAC-SHA256 under the deployment's credential key of (the kind,
the tenant, the id): nothing of it is stored anywhere, a check recomputes it and compares in
constant time (a microsecond: no slow hash is needed for 256 bits nobody can guess), and a
repeat of the command that made it (same Idempotency-Key, so the same id) answers the same
token. The id follows from the key as a session's does (decision 35).

A session's refresh token (`oss_rt_`, decision 58) is made the same way from the session's
id: it is never a bearer, only what refresh-session takes, and its session's row (ended,
idle too long) decides whether it still works.

Pure: the clock comes in as an argument.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from hashlib import blake2b
from typing import Literal

from ulid import ULID
from ulid_transform import bytes_to_ulid

from ossature.kernel.sensitive import Secret

__all__ = [
    "KEY_PREFIX",
    "LONGEST_LIFETIME",
    "PAT_PREFIX",
    "REFRESH_PREFIX",
    "Mechanism",
    "Parsed",
    "credential_of",
    "expiry_problem",
    "is_genuine",
    "make_refresh_token",
    "make_token",
    "parse_refresh_token",
    "parse_token",
]

Mechanism = Literal["personal-access-token", "api-key"]
PAT_PREFIX = "oss_pat_"
KEY_PREFIX = "oss_key_"
REFRESH_PREFIX = "oss_rt_"
_REFRESH = "refresh-token"
_PREFIXES: dict[str, Mechanism] = {PAT_PREFIX: "personal-access-token", KEY_PREFIX: "api-key"}
_PREFIX_OF: dict[Mechanism, str] = {mechanism: prefix for prefix, mechanism in _PREFIXES.items()}
LONGEST_LIFETIME = 366 * 24 * 3600  # a year, a leap day included: renewed, not kept forever
_ULID = "[0-7][0-9A-HJKMNP-TV-Z]{25}"
_BODY = re.compile(rf"({_ULID})({_ULID})([A-Za-z0-9_-]{{43}})")


@dataclass(frozen=True)
class Parsed:
    """What a well-formed token names: its kind, tenant and credential, and the whole string."""

    mechanism: Mechanism
    tenant_id: str
    credential_id: str
    token: Secret[str]


def make_token(key: bytes, mechanism: Mechanism, tenant_id: str, credential_id: str) -> str:
    """The token of a credential: its prefix, tenant, id and derived secret."""
    return f"{_PREFIX_OF[mechanism]}{tenant_id}{credential_id}{_secret(key, mechanism, tenant_id, credential_id)}"


def parse_token(token: str) -> Parsed | None:
    """The token's parts, or None for anything that is not exactly a token's shape."""
    mechanism = _PREFIXES.get(token[:8])
    found = _BODY.fullmatch(token, 8) if mechanism else None
    if mechanism is None or found is None:
        return None
    return Parsed(mechanism, found.group(1), found.group(2), Secret(token))


def make_refresh_token(key: bytes, tenant_id: str, session_id: str) -> str:
    """The refresh token of a session: its prefix, tenant, session id and derived secret."""
    return f"{REFRESH_PREFIX}{tenant_id}{session_id}{_secret(key, _REFRESH, tenant_id, session_id)}"


def parse_refresh_token(key: bytes, token: str) -> tuple[str, str] | None:
    """The (tenant id, session id) a genuine refresh token names; None for anything else,
    malformed or forged alike (its secret compared in constant time)."""
    found = _BODY.fullmatch(token, len(REFRESH_PREFIX))
    if not token.startswith(REFRESH_PREFIX) or found is None:
        return None
    tenant_id, session_id = found.group(1), found.group(2)
    expected = make_refresh_token(key, tenant_id, session_id)
    if not hmac.compare_digest(expected.encode("ascii"), token.encode("ascii")):
        return None
    return tenant_id, session_id


def is_genuine(key: bytes, parsed: Parsed) -> bool:
    """True when the token's secret is the one its kind, tenant and id derive (constant time)."""
    expected = make_token(key, parsed.mechanism, parsed.tenant_id, parsed.credential_id)
    return hmac.compare_digest(expected.encode("ascii"), parsed.token.reveal().encode("ascii"))


def credential_of(mechanism: Mechanism, tenant_id: str, account_id: str, key: str) -> str:
    """The id of the credential a command with idempotency key `key` makes: a ULID with the
    key's time and a digest of the four, so a repeat names the same credential."""
    text = f"{mechanism}\n{tenant_id}\n{account_id}\n{key}"
    digest = blake2b(text.encode(), digest_size=10).digest()
    return bytes_to_ulid(ULID.from_str(key).bytes[:6] + digest)


def expiry_problem(expires_at: int, now: int) -> str | None:
    """Why `expires_at` (unix seconds) is refused at `now`, or None: it must be in the future
    and at most LONGEST_LIFETIME ahead."""
    if expires_at <= now:
        return "past"
    if expires_at - now > LONGEST_LIFETIME:
        return "too-far"
    return None


def _secret(key: bytes, mechanism: str, tenant_id: str, credential_id: str) -> str:
    if len(key) < 32:
        raise ValueError("the credential key must hold at least 32 bytes")
    message = f"{mechanism}\n{tenant_id}\n{credential_id}".encode("ascii")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

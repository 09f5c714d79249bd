"""One-time tokens (decision 47): an invitation, an email verification, a password reset.

A token reads `<tenant id>.<token id>.<secret>`. Its secret is never stored and never in an
event: it is HMAC-SHA256, under the deployment's token key, of the purpose, the tenant id
and the token id, so whoever holds the key (the command that checks a token, the mail that
carries its link) derives it again from the token id an event carries. A token names its
tenant so that a public command can confine itself to that tenant before reading anything.

Each token is a stream of its own, whose id is the token id: its first event issues it (the
purpose is that event's stream type, its time starts the lifetime), `token-used` ends it.
The stream's version makes single use hold under concurrency: two uses expect the same
version, one of them conflicts.

The rules here are pure; the commands apply them in this order: the string's form, its
tenant, its secret (compared in constant time), then the stream (unknown, used, expired).
Every failure up to the stream's existence is `TokenInvalid`, one key, so that a token
cannot be probed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import quote

from ossature.kernel.eventstore import Stream
from ossature.kernel.sensitive import Secret
from ossature.modules.identity.errors import TokenExpired, TokenInvalid, TokenUsed
from ossature.modules.identity.events import TokenUsed as Used

__all__ = [
    "LIFETIMES",
    "MIN_KEY_BYTES",
    "PATHS",
    "IssuedToken",
    "OneTimeTokens",
    "Purpose",
    "TokenParts",
    "check_use",
    "issued",
    "parse",
]

Purpose = Literal["invitation", "email-verification", "password-reset"]
LIFETIMES: dict[Purpose, timedelta] = {
    "invitation": timedelta(hours=72),
    "email-verification": timedelta(hours=24),
    "password-reset": timedelta(minutes=30),
}
# Where the web app takes each token (OSSATURE_PUBLIC_URL + path + `?token=`).
PATHS: dict[Purpose, str] = {
    "invitation": "/accept-invitation",
    "email-verification": "/verify-email",
    "password-reset": "/reset-password",
}
MIN_KEY_BYTES = 32
_ID = r"[0-9A-Za-z_-]{1,64}"
_TOKEN = re.compile(rf"({_ID})\.([0-7][0-9A-HJKMNP-TV-Z]{{25}})\.([0-9A-Za-z_-]{{43}})")


@dataclass(frozen=True)
class TokenParts:
    """A token string read: the tenant it names, its id (its stream), its secret."""

    tenant_id: str
    token_id: str
    secret: Secret[str]


def parse(token: str) -> TokenParts | None:
    """The parts of a well-formed token, None for anything else."""
    match = _TOKEN.fullmatch(token)
    return None if match is None else TokenParts(match[1], match[2], Secret(match[3]))


@dataclass(frozen=True)
class IssuedToken:
    """A token's stream folded: whose account it serves, when it was issued, if used."""

    account_id: str
    issued_at: datetime
    used: bool
    version: int


def issued(stream: Stream, purpose: Purpose) -> IssuedToken:
    """The token a stream holds; TokenInvalid when there is none of `purpose` (a token id
    never issued, issued for another purpose, or a stream that serves no account)."""
    if not stream.envelopes or stream.envelopes[0].stream_type != purpose:
        raise TokenInvalid()
    account_id = getattr(stream.events[0], "account_id", None)
    if not isinstance(account_id, str):
        raise TokenInvalid()
    used = any(isinstance(event, Used) for event in stream.events)
    return IssuedToken(account_id, stream.envelopes[0].occurred_at, used, stream.version)


def check_use(purpose: Purpose, issued_at: datetime, used: bool, now: datetime) -> None:
    """TokenUsed once used; TokenExpired from the end of its lifetime on (that instant
    included)."""
    if used:
        raise TokenUsed()
    if now >= issued_at + LIFETIMES[purpose]:
        raise TokenExpired()


class OneTimeTokens:
    """Makes and checks one-time tokens with the deployment's key; writes their links."""

    def __init__(self, key: bytes, public_url: str) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"the token key must be at least {MIN_KEY_BYTES} bytes")
        self._key, self.public_url = Secret(key), public_url.rstrip("/")

    def token(self, purpose: Purpose, tenant_id: str, token_id: str) -> str:
        """The token of `token_id`, as the mail carries it."""
        return f"{tenant_id}.{token_id}.{self._secret(purpose, tenant_id, token_id)}"

    def link(self, purpose: Purpose, tenant_id: str, token_id: str) -> str:
        """The web app's page that takes this token."""
        token = quote(self.token(purpose, tenant_id, token_id), safe="")
        return f"{self.public_url}{PATHS[purpose]}?token={token}"

    def check(self, purpose: Purpose, token: str, tenant_of_request: str | None) -> TokenParts:
        """The parts of a token of `purpose` made with this key; TokenInvalid when malformed,
        of another tenant than the request's (when the request names one), or with a secret
        that is not this purpose's. The secret is always derived and compared."""
        parts = parse(token) or TokenParts("-", "0" * 26, Secret(""))
        expected = self._secret(purpose, parts.tenant_id, parts.token_id)
        genuine = hmac.compare_digest(expected.encode(), parts.secret.reveal().encode())
        elsewhere = tenant_of_request is not None and tenant_of_request != parts.tenant_id
        if not genuine or elsewhere:
            raise TokenInvalid()
        return parts

    def _secret(self, purpose: Purpose, tenant_id: str, token_id: str) -> str:
        message = f"{purpose}\n{tenant_id}\n{token_id}".encode()
        digest = hmac.new(self._key.reveal(), message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

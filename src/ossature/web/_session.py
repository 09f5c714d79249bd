"""The browser session: one sealed cookie that keeps a user signed in.

The cookie holds the session's tokens and its CSRF secret, sealed with AES-256-GCM under the
web app's key, so the browser can neither read nor alter it (docs/decisions/0056). It is
HttpOnly, SameSite=Lax, Secure under https, and slides: every answer to a signed-in request
writes it again, good for `session_hours` more. The access token inside lives 15 minutes; the
web app renews it with the session's refresh token before it runs out, and the server ends
the session (log-out, deactivation, an idle window lapsed) whatever the cookie says.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import time

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "BrowserSession", "SessionCookie", "new_secret"]

SESSION_COOKIE = "ossature_session"
CSRF_COOKIE = "ossature_csrf"  # the CSRF secret of a browser not signed in (sign-in's form)
_BINDING = b"ossature-web-session-v1"


class BrowserSession(msgspec.Struct, frozen=True, kw_only=True):
    """What the session cookie holds."""

    access_token: str
    expires_at: int  # the access token's expiry, unix seconds
    refresh_token: str | None = None
    csrf: str  # the secret every form and htmx request of this session must carry
    seen_at: int  # the last request, unix seconds: the sliding window starts here


def new_secret() -> str:
    return secrets.token_urlsafe(24)


class SessionCookie:
    """Reads and writes the sealed session cookie."""

    def __init__(self, key: bytes, hours: int, secure: bool) -> None:
        self._aead = AESGCM(key)
        self.max_age = hours * 3600
        self.secure = secure

    def read(self, request: Request) -> BrowserSession | None:
        """The request's session; None when absent, forged, sealed under another key, or
        idle for longer than the window."""
        sealed = request.cookies.get(SESSION_COOKIE)
        if not sealed:
            return None
        try:
            raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
            plain = self._aead.decrypt(raw[:12], raw[12:], _BINDING)
            session = msgspec.json.decode(plain, type=BrowserSession)
        except (binascii.Error, ValueError, InvalidTag, msgspec.DecodeError):
            return None
        if session.seen_at + self.max_age < time.time():
            return None
        return session

    def write(self, response: Response, session: BrowserSession) -> None:
        nonce = os.urandom(12)
        sealed = nonce + self._aead.encrypt(nonce, msgspec.json.encode(session), _BINDING)
        value = base64.urlsafe_b64encode(sealed).decode().rstrip("=")
        response.set_cookie(
            SESSION_COOKIE,
            value,
            max_age=self.max_age,
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            SESSION_COOKIE, path="/", secure=self.secure, httponly=True, samesite="lax"
        )

    def csrf_cookie(self, response: Response, secret: str) -> None:
        """The CSRF secret of a browser that is not signed in, for the sign-in form."""
        response.set_cookie(
            CSRF_COOKIE, secret, path="/", secure=self.secure, httponly=True, samesite="lax"
        )

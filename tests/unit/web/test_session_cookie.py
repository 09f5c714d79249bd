"""The browser session's cookie: sealed, bound to its key, lapsing when idle."""

from __future__ import annotations

import os
import time

from starlette.requests import Request
from starlette.responses import Response

from ossature.web._page import safe_next
from ossature.web._session import SESSION_COOKIE, BrowserSession, SessionCookie


def _session(seen_at: float | None = None) -> BrowserSession:
    now = int(time.time())
    return BrowserSession(
        access_token="header.claims.signature",
        expires_at=now + 900,
        refresh_token="oss_rt_x",
        csrf="secret",
        seen_at=int(seen_at if seen_at is not None else now),
    )


def _request_with(cookie: str) -> Request:
    headers = [(b"cookie", f"{SESSION_COOKIE}={cookie}".encode())]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers})


def _written(jar: SessionCookie, session: BrowserSession) -> str:
    response = Response()
    jar.write(response, session)
    header = response.headers["set-cookie"]
    return header.split(";")[0].split("=", 1)[1]


def test_a_written_session_reads_back_the_same() -> None:
    jar = SessionCookie(os.urandom(32), hours=12, secure=False)
    session = _session()
    assert session == jar.read(_request_with(_written(jar, session)))


def test_the_cookie_says_nothing_of_what_it_holds() -> None:
    jar = SessionCookie(os.urandom(32), hours=12, secure=False)
    value = _written(jar, _session())
    assert "header.claims" not in value and "oss_rt_" not in value and "secret" not in value


def test_the_cookie_is_http_only_same_site_lax_and_secure_under_https() -> None:
    response = Response()
    SessionCookie(os.urandom(32), hours=12, secure=True).write(response, _session())
    header = response.headers["set-cookie"].lower()
    assert {"httponly", "samesite=lax", "secure", "max-age=43200"} <= {
        part.strip() for part in header.split(";")
    }


def test_a_cookie_sealed_under_another_key_or_altered_is_no_session() -> None:
    jar = SessionCookie(os.urandom(32), hours=12, secure=False)
    other = SessionCookie(os.urandom(32), hours=12, secure=False)
    value = _written(other, _session())
    altered = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    assert (None, None, None) == (
        jar.read(_request_with(value)),
        jar.read(_request_with(altered)),
        jar.read(_request_with("not base64 at all!")),
    )


def test_a_session_idle_for_longer_than_the_window_is_over() -> None:
    jar = SessionCookie(os.urandom(32), hours=12, secure=False)
    idle = _session(seen_at=time.time() - 12 * 3600 - 5)
    assert jar.read(_request_with(_written(jar, idle))) is None


def test_only_a_path_of_this_site_is_followed_after_signing_in() -> None:
    assert ["/audit?x=1", "/", "/", "/", "/", "/"] == [
        safe_next(target)
        for target in (
            "/audit?x=1",
            "https://evil.test/",
            "//evil.test/",
            "/\\evil.test",
            "audit",
            None,
        )
    ]

"""The security headers of every answer of the web app.

The content security policy allows no inline script and no inline style, so a page's only
scripts are its own files under /static; `connect-src` adds the origin of the MQTT over
WebSocket listener the discovery document names, for live updates; no site may frame a page.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders", "policy", "websocket_origin"]


def websocket_origin(url: str | None) -> str | None:
    """`ws://host:port` of a WebSocket URL, for connect-src; None without one."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def policy(connect: str | None) -> str:
    sources = " ".join(filter(None, ("'self'", connect)))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {sources}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    )


class SecurityHeaders:
    """ASGI middleware: adds the headers to every HTTP answer; `connect` gives the
    WebSocket origin known at the time of the answer."""

    def __init__(self, app: ASGIApp, connect: Callable[[], str | None]) -> None:
        self.app, self.connect = app, connect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", policy(self.connect()).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""The request's span: every HTTP request the gateway answers, when spans are recorded.

A server span continuing the client's `traceparent` when it sent a valid one; the
invocation context is then made in it (`spans.in_current_span`), so that the answer's
`traceparent` names this span, and the pipeline's spans are its children (decision 102).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ossature.kernel import spans

__all__ = ["RequestSpans"]

_ROUTES = ("/commands/", "/queries/")


class RequestSpans:
    """ASGI middleware: one server span per HTTP request; nothing when spans are not
    recorded."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not spans.recording():
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        attributes = {"http.request.method": method, "url.path": path[:200]}
        client = spans.carried(_header(scope, b"traceparent"))
        with spans.span(
            _name(method, path), client, kind=spans.SpanKind.SERVER, attributes=attributes
        ) as current:

            async def answered(message: Message) -> None:
                if current is not None and message["type"] == "http.response.start":
                    current.set_attribute("http.response.status_code", message["status"])
                await send(message)

            await self.app(scope, receive, answered)


def _name(method: str, path: str) -> str:
    """`POST /commands/{name}`: the route, not the path (a span name must not vary much)."""
    for route in _ROUTES:
        if path.startswith(route):
            return f"{method} {route}{{name}}"
    return f"{method} {path}" if path in ("/commands", "/queries") else method


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None

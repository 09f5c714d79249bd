"""The gateway's application: Starlette, with a short way in for one invocation.

`POST /commands/{name}` and `POST /queries/{name}` are nearly every request the gateway
serves. They skip Starlette's routing, its exception middlewares and its `Request`: the
request is read from the ASGI scope (`Incoming`) and answered with two `send` calls, under
the same request span and the same last guard as every other route. Any other request
(another path or method, a mounted root path) goes through Starlette as before, which so
still answers 404 and 405 (docs/decisions/0128-a-short-way-in-for-invocations.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from ossature.gateway.incoming import Asked, Incoming

__all__ = ["GatewayApp", "invoked_name"]

Invoke = Callable[[Asked, str], Awaitable[Response]]
Wrap = Callable[[ASGIApp], ASGIApp]

_PREFIXES = ("/commands/", "/queries/")


def invoked_name(scope: Scope) -> str | None:
    """The invocation's name when `scope` is one that `/commands/{name}` or
    `/queries/{name}` takes (a POST, one segment after the prefix), else None."""
    if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
        return None
    path: str = scope["path"]
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            name = path[len(prefix) :]
            return name if name and "/" not in name else None
    return None


class GatewayApp(Starlette):
    """Starlette, whose middleware stack is put behind the short way in: `invoke(request,
    name)` answers an invocation, wrapped by `wrap` (the span and the last guard)."""

    def __init__(
        self,
        invoke: Invoke,
        wrap: Wrap,
        routes: Sequence[BaseRoute],
        exception_handlers: Mapping[Any, Any],
        middleware: Sequence[Middleware],
    ) -> None:
        super().__init__(
            routes=routes, exception_handlers=exception_handlers, middleware=middleware
        )
        self.invocation = wrap(self._invocation)
        self.invoke = invoke

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()

        async def front(scope: Scope, receive: Receive, send: Send) -> None:
            name = invoked_name(scope)
            if name is None:
                await stack(scope, receive, send)
            else:
                scope["path_params"] = {"name": name}  # as Starlette's router sets it
                await self.invocation(scope, receive, send)

        return front

    async def _invocation(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = scope["path_params"]["name"]
        response = await self.invoke(Incoming(scope, receive), name)
        start = {"type": "http.response.start", "status": response.status_code}
        await send({**start, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})

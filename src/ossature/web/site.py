"""One port for the API and the web app.

A request goes to the API when one of its routes takes its path (whatever the method, so a
wrong method still gets the API's problem), to the web app when one of its pages does. A
path neither takes goes to the web app when a browser asks for a page (Accept names HTML,
or htmx asks), which answers its own "no page here"; any other client gets the API's
problem+json 404, as it did before there were pages.

`api_takes_at_once` names the requests the API takes without matching its routes one by one
(the gateway's invocations, nearly every request): each route's match costs a few µs.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["one_site"]


def one_site(
    api: Starlette, web: Starlette, api_takes_at_once: Callable[[Scope], bool] = lambda _: False
) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or api_takes_at_once(scope) or _takes(api, scope):
            await api(scope, receive, send)
        elif _takes(web, scope) or _wants_a_page(scope):
            await web(scope, receive, send)
        else:
            await api(scope, receive, send)

    return app


def _takes(app: Starlette, scope: Scope) -> bool:
    return any(route.matches(scope)[0] is not Match.NONE for route in app.routes)


def _wants_a_page(scope: Scope) -> bool:
    headers = Headers(scope=scope)
    return "text/html" in headers.get("accept", "") or headers.get("hx-request") == "true"

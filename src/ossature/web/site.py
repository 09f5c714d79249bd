"""One port for the API and the web app: the API's routes first, the pages for the rest.

A request goes to the API app when one of its routes takes its path (whatever the method,
so a wrong method still gets the API's problem), else to the web app.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["one_site"]


def one_site(api: Starlette, web: ASGIApp) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or _is_api(api, scope):
            await api(scope, receive, send)
        else:
            await web(scope, receive, send)

    return app


def _is_api(api: Starlette, scope: Scope) -> bool:
    return any(route.matches(scope)[0] is not Match.NONE for route in api.routes)

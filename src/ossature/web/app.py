"""The web app: Ossature's pages, rendered on the server, a client of the public API.

`build_web(backend_for, settings)` is an ASGI app. Each page area is one file of `pages/`
with its `ROUTES`, listed once in `pages.AREAS`; templates are under `templates/`, the UI
strings under `messages/`, the stylesheet and the few scripts under `static/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ossature.web._headers import SecurityHeaders, websocket_origin
from ossature.web._i18n import Catalog
from ossature.web._page import BackendFor, Site, failed, not_found
from ossature.web._session import SessionCookie
from ossature.web._settings import WebSettings
from ossature.web.pages import AREAS, NAV
from ossature.web.paths import STATIC, TEMPLATES

__all__ = ["build_web", "templates"]


def templates() -> jinja2.Environment:
    """The pages' and components' templates, every value escaped unless marked safe."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["terms_version"] = terms_version
    environment.filters["isolated"] = isolated
    return environment


def isolated(text: object) -> str:
    """`text` set apart from the sentence around it (Unicode's first-strong isolate), as
    <bdi> does where no element may go: a title's "2026-0001" keeps its order in Arabic."""
    return f"\u2068{text}\u2069"


def terms_version(requirement: Mapping[str, Any]) -> str:
    """The version of the terms an unmet requirement asks to accept: its `version`, else the
    one its `signed-terms:<version>` entitlement names, else its id's (`accepted-terms:<v>`)."""
    if requirement.get("version"):
        return str(requirement["version"])
    for way in requirement.get("satisfiedBy") or []:
        kind, _, version = str(way).partition(":")
        if kind == "signed-terms" and version:
            return version
    return str(requirement.get("id", "")).partition(":")[2]


def build_web(backend_for: BackendFor, settings: WebSettings) -> Starlette:
    """The web app; `backend_for(request)` says where that browser's calls go."""
    site = Site(
        backend_for=backend_for,
        cookie=SessionCookie(settings.session_key, settings.session_hours, settings.secure_cookies),
        catalog=Catalog.load(),
        templates=templates(),
        nav=NAV,
    )
    routes: list[BaseRoute] = [route for area in AREAS for route in area.ROUTES]
    routes.append(Mount("/static", StaticFiles(directory=STATIC), name="static"))

    def connect() -> str | None:
        mqtt = (site.discovery or {}).get("mqtt") or {}
        return websocket_origin(mqtt.get("websocketUrl"))

    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders, connect=connect)],
        exception_handlers={404: not_found, 500: failed},
    )
    app.state.site = site
    return app

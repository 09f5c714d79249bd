"""One port: the API's routes, the pages, and a path neither takes."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ossature.web.site import one_site


def _app(name: str, path: str) -> Starlette:
    async def endpoint(request: object) -> PlainTextResponse:
        return PlainTextResponse(name)

    async def missing(request: object, error: Exception) -> PlainTextResponse:
        return PlainTextResponse(f"{name} 404", 404)

    return Starlette(routes=[Route(path, endpoint)], exception_handlers={404: missing})


async def _get(site: object, path: str, **headers: str) -> str:
    transport = httpx.ASGITransport(app=site)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://site.test") as client:
        return (await client.get(path, headers=headers)).text


async def test_each_path_goes_where_it_belongs() -> None:
    site = one_site(_app("api", "/queries/{name}"), _app("web", "/folders"))
    page = {"accept": "text/html,application/xhtml+xml"}
    assert ["api", "web", "web 404", "web 404", "api 404"] == [
        await _get(site, "/queries/list-projects", **page),
        await _get(site, "/folders"),
        await _get(site, "/nowhere", **page),
        await _get(site, "/nowhere", **{"hx-request": "true"}),
        await _get(site, "/nowhere", accept="application/json"),
    ]


async def test_what_the_api_takes_at_once_goes_to_it_without_its_routes() -> None:
    """A request the API says it takes at once reaches the API, though none of its routes
    matches the path; the others are matched as before."""
    api, web = _app("api", "/queries/{name}"), _app("web", "/folders")
    site = one_site(api, web, lambda scope: scope["path"].startswith("/commands/"))
    assert ["api 404", "api", "web"] == [
        await _get(site, "/commands/anything"),
        await _get(site, "/queries/list-projects"),
        await _get(site, "/folders"),
    ]

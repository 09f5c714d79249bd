"""The short way in: which requests take it, and that any other still meets Starlette."""

from __future__ import annotations

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ossature.gateway.front import GatewayApp, invoked_name
from ossature.gateway.incoming import Asked


def _scope(method: str, path: str, root_path: str = "") -> Scope:
    return {"type": "http", "method": method, "path": path, "root_path": root_path}


def _app(seen: list[str]) -> GatewayApp:
    async def invoke(request: Asked, name: str) -> Response:
        body = b"".join([chunk async for chunk in request.stream()])
        seen.append(f"short {name} {request.headers['x-who']} {body.decode()}")
        return Response(b"{}", 201, {"X-Invocation-Id": "i"}, media_type="application/json")

    async def routed(request: Request) -> PlainTextResponse:
        seen.append(f"routed {request.url.path}")
        return PlainTextResponse("routed")

    def wrap(app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            seen.append("wrapped")
            await app(scope, receive, send)

        return wrapped

    routes = [
        Route("/commands/{name}", routed, methods=["POST"]),
        Route("/commands", routed, methods=["POST"]),
    ]
    return GatewayApp(invoke, wrap, routes=routes, exception_handlers={}, middleware=[])


async def _post(app: GatewayApp, path: str, method: str = "POST") -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
        return await client.request(method, path, content=b"hi", headers={"x-who": "me"})


def test_a_post_to_one_invocation_is_recognized() -> None:
    """One segment after /commands/ or /queries/, as the routes `{name}` takes."""
    assert ["a", "list-projects", None, None, None, None, None] == [
        invoked_name(_scope("POST", "/commands/a")),
        invoked_name(_scope("POST", "/queries/list-projects")),
        invoked_name(_scope("GET", "/commands/a")),
        invoked_name(_scope("POST", "/commands/")),
        invoked_name(_scope("POST", "/commands/a/b")),
        invoked_name(_scope("POST", "/commands")),
        invoked_name(_scope("POST", "/commands/a", root_path="/api")),
    ]


async def test_an_invocation_is_answered_by_the_short_way_wrapped() -> None:
    """Its answer keeps the status, headers and body the invocation made."""
    seen: list[str] = []
    answer = await _post(_app(seen), "/commands/rename-project")
    assert (["wrapped", "short rename-project me hi"], 201, "i", "application/json", b"{}") == (
        seen,
        answer.status_code,
        answer.headers["x-invocation-id"],
        answer.headers["content-type"],
        answer.content,
    )


async def test_other_requests_go_through_starlette() -> None:
    """A batch path is routed; a wrong method still gets Starlette's 405, a deeper path 404."""
    seen: list[str] = []
    app = _app(seen)
    statuses = [
        (await _post(app, "/commands")).status_code,
        (await _post(app, "/commands/a", method="GET")).status_code,
        (await _post(app, "/commands/a/b")).status_code,
    ]
    assert ([200, 405, 404], ["routed /commands"]) == (statuses, seen)

"""How the application's HTTP server and database pool are set up, in one place.

The gateway uses them, and so does the benchmark's bare server, whose comparison is only
fair while both run the same server on the same kind of pool.
"""

from __future__ import annotations

import gc
import socket
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import uvicorn
import uvloop
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ossature.kernel.database import Database

__all__ = [
    "APP_POOL_SIZE",
    "app_pool",
    "health_app",
    "listening",
    "quiet_collector",
    "run",
    "serve_http",
]

APP_POOL_SIZE = 30  # a connection per in-flight invocation: sized for 32 clients
YOUNG_COLLECTION = 10_000  # net allocations between young collections (Python's default: 700)
# Seconds a stop waits for the requests in flight before it cancels them: well inside the
# 30 s a pod is given to stop (deploy/kubernetes), with the pools' and workers' own waits.
SHUTDOWN_GRACE = 10
T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on uvloop, the event loop of every server process.

    Each round trip to PostgreSQL or NATS and each HTTP exchange costs the loop a wake-up
    and a system call or two; uvloop does that work in C (measured in docs/performance.md).
    """
    return uvloop.run(main)


async def app_pool(url: str, *, wakes_relay: bool = False) -> Database:
    """The application's pool: no session state is kept, so connections are not reset.

    Each statement is planned once per connection and its generic plan kept
    (docs/decisions/0017-generic-plans-for-the-application.md). With `wakes_relay`, the
    process wakes the relay itself after each commit that appends events (directly, or over
    NATS), and the pool's commits skip the store's NOTIFY (kernel migrations 0006, 0008).
    """
    settings = {"plan_cache_mode": "force_generic_plan"}
    if wakes_relay:
        settings["ossature.wakes_relay"] = "on"
    return await Database.connect(url, max_size=APP_POOL_SIZE, stateless=True, settings=settings)


def quiet_collector() -> None:
    """Set the garbage collector for serving, once startup is done.

    What startup made (modules, the policy, pools) is moved out of the collector's sight: a
    full collection then walks only what serving makes (the longest pause under load went
    from 73 ms to 9 ms). The young generation is collected every 10,000 net allocations
    instead of 700: with 32 requests in flight, a collection every 700 found most of their
    objects alive, promoted them and walked them again, 6.6% of the process's CPU in all;
    garbage here is mostly freed by reference counting, and at 10,000 a collection runs
    every few seconds (docs/performance.md).
    """
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, 10, 10)


def listening(host: str, port: int) -> socket.socket:
    """A socket bound to `host`:`port` for `serve_http`; OSError when the port is taken.

    Bound before anything starts, so that a taken port is said at once, in one line, and
    not after the system said it is up.
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


async def serve_http(app: Any, host: str, port: int, sock: socket.socket | None = None) -> None:
    """Serve `app` with uvicorn (on `sock` when given) until a signal asks to stop, the
    collector set for serving. uvicorn's own log lines go through the root logger, which
    `runtime.library_logs` routes to ours.

    A stop waits SHUTDOWN_GRACE seconds for the requests in flight, then cancels them: a
    command held in PostgreSQL (a lock another transaction keeps) cannot hold the process.
    A cancelled request is answered a retryable 503 (gateway/safety.py); its command's
    transaction is rolled back, or, if it committed, a retry with the same idempotency key
    gets its first answer.

    Requests are parsed by httptools, in C: about 0.1 ms of CPU less a request than h11's
    pure Python (docs/decisions/0127-the-http-server.md)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
        http="httptools",
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
    )
    quiet_collector()
    await uvicorn.Server(config).serve(sockets=None if sock is None else [sock])


def health_app(ready: Callable[[], Awaitable[bool]]) -> Starlette:
    """The probes of a role that serves no HTTP of its own (`serve worker` with
    OSSATURE_HEALTH_PORT): `/health/live`, `/health/ready` (`ready()`, as the gateway's) and
    `/metrics`, answered as the gateway answers them."""

    async def live(request: Request) -> Response:
        return JSONResponse({"status": "live"})

    async def health_ready(request: Request) -> Response:
        ok = await ready()
        return JSONResponse({"status": "ready" if ok else "unavailable"}, 200 if ok else 503)

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return Starlette(
        routes=[
            Route("/health/live", live, methods=["GET"]),
            Route("/health/ready", health_ready, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ]
    )

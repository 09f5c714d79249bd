"""How the application's HTTP server and database pool are set up, in one place.

The gateway uses them, and so does the benchmark's bare server, whose comparison is only
fair while both run the same server on the same kind of pool.
"""

from __future__ import annotations

from typing import Any

import uvicorn

from ossature.kernel.database import Database

__all__ = ["APP_POOL_SIZE", "app_pool", "serve_http"]

APP_POOL_SIZE = 30  # a connection per in-flight invocation: sized for 32 clients


async def app_pool(url: str) -> Database:
    """The application's pool: no session state is kept, so connections are not reset."""
    return await Database.connect(url, max_size=APP_POOL_SIZE, stateless=True)


async def serve_http(app: Any, host: str, port: int) -> None:
    """Serve `app` with uvicorn until a signal asks to stop."""
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=False, lifespan="off"
    )
    await uvicorn.Server(config).serve()

"""The baseline: the server a team writes by hand instead of adopting Ossature. Fixed.

Run by the bench as `python -m ossature.tools.bench._baseline_app --port N --workers W` with
the database URL in OSSATURE_BENCH_DATABASE_URL. It is written as the documentation of each
library shows, and it never moves with Ossature's own tuning: it imports nothing from
Ossature. Starlette served by uvicorn with uvloop and httptools (what `uvicorn[standard]`
installs), `W` worker processes (as many as the system under test serves with), an asyncpg
pool of up to 32 connections with its other defaults, the body decoded with the standard
library's json (Starlette's `request.json()`), one INSERT per request in its own transaction,
a uuid4 for the row, the answer `{"id": ...}` through Starlette's JSONResponse. No access log:
Ossature's gateway writes its own log line, not uvicorn's.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["CREATE_TABLE", "PATH", "TABLE", "app", "main"]

TABLE = "bench_baseline_projects"
PATH = "/projects"
CREATE_TABLE = f"""create table if not exists {TABLE} (
    id uuid primary key,
    folder_id text not null,
    name text not null,
    created_at timestamptz not null default now())"""
_INSERT = f"insert into {TABLE} (id, folder_id, name) values ($1, $2, $3)"  # noqa: S608
_POOL_SIZE = 32  # one connection per client of the bench's default concurrency


async def create_project(request: Request) -> JSONResponse:
    body = await request.json()
    project_id = uuid.uuid4()
    pool: asyncpg.Pool = request.app.state.pool
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(_INSERT, project_id, body["folderId"], body["name"])
    return JSONResponse({"id": str(project_id)})


async def live(request: Request) -> JSONResponse:
    return JSONResponse({"status": "live"})


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    url = os.environ["OSSATURE_BENCH_DATABASE_URL"]
    async with asyncpg.create_pool(url, max_size=_POOL_SIZE) as pool:
        app.state.pool = pool
        yield


app = Starlette(
    routes=[
        Route(PATH, create_project, methods=["POST"]),
        Route("/health/live", live, methods=["GET"]),
    ],
    lifespan=lifespan,
)


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="ossature.tools.bench._baseline_app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args: Any = parser.parse_args(argv)
    uvicorn.run(
        "ossature.tools.bench._baseline_app:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()

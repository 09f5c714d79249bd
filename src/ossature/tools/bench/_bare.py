"""The bare baseline: one row inserted per request, with no cross-cutting work.

Run by the bench as `python -m ossature.tools.bench._bare --port N` with the database URL
in OSSATURE_BENCH_DATABASE_URL. To keep the comparison with the gateway fair it is the same
kind of server in the same shape: one process on uvloop, Starlette served by uvicorn and the
application's database pool (all from `runtime/serving.py`), the body read as a stream and
decoded with msgspec, the id made by `new_id`, the answer encoded with msgspec. What it leaves out is what the comparison measures:
authentication, context, validation, authorization, idempotency, events, projections, audit,
logs and metrics.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ossature.kernel.database import Database
from ossature.kernel.ids import new_id
from ossature.runtime.serving import app_pool, run, serve_http

__all__ = ["CREATE_TABLE", "TABLE", "bare_app", "main"]

TABLE = "bench_bare_inserts"
CREATE_TABLE = f"""create table if not exists {TABLE} (
    id text primary key,
    payload jsonb not null,
    created_at timestamptz not null default now())"""
_INSERT = f"insert into {TABLE} (id, payload) values ($1, $2)"  # noqa: S608  a constant
_encoder = msgspec.json.Encoder()


def bare_app(db: Database) -> Starlette:
    """The ASGI application: POST /bare-insert, GET /health/live."""

    async def insert(request: Request) -> Response:
        body = b"".join([chunk async for chunk in request.stream()])
        payload = msgspec.json.decode(body)
        row_id = new_id()
        async with db.connection() as conn:
            await conn.execute(_INSERT, row_id, payload)
        return Response(_encoder.encode({"id": row_id}), media_type="application/json")

    async def live(request: Request) -> Response:
        return Response(_encoder.encode({"status": "live"}), media_type="application/json")

    routes = [
        Route("/bare-insert", insert, methods=["POST"]),
        Route("/health/live", live, methods=["GET"]),
    ]
    return Starlette(routes=routes)


async def _serve(database_url: str, host: str, port: int) -> None:
    db = await app_pool(database_url)
    try:
        await serve_http(bare_app(db), host, port)
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="ossature.tools.bench._bare")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args: Any = parser.parse_args(argv)
    run(_serve(os.environ["OSSATURE_BENCH_DATABASE_URL"], args.host, args.port))


if __name__ == "__main__":
    main()

"""PostgreSQL access: a pool, and transactions confined to one tenant by row-level security."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

__all__ = ["Connection", "Database"]

Connection = asyncpg.Connection


async def _init_connection(conn: Any) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=_json_dumps, decoder=_json_loads, schema="pg_catalog"
        )


def _json_dumps(value: Any) -> str:
    import msgspec

    return msgspec.json.encode(value).decode()


def _json_loads(value: str) -> Any:
    import msgspec

    return msgspec.json.decode(value)


class Database:
    """A connection pool whose transactions set `app.tenant_id`, the key of every RLS policy."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    @classmethod
    async def connect(cls, url: str, *, min_size: int = 2, max_size: int = 20) -> Database:
        """Open a pool on `url`."""
        pool = await asyncpg.create_pool(
            url, min_size=min_size, max_size=max_size, init=_init_connection
        )
        return cls(pool)

    async def close(self) -> None:
        """Close every connection of the pool."""
        await self.pool.close()

    @asynccontextmanager
    async def transaction(
        self, tenant_id: str | None, *, readonly: bool = False
    ) -> AsyncIterator[Any]:
        """A transaction that sees and writes only the rows of `tenant_id` (none when None)."""
        async with self.pool.acquire() as conn, conn.transaction(readonly=readonly):
            await set_tenant(conn, tenant_id)
            yield conn

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A bare connection, outside any tenant (for LISTEN and tenant-less tables)."""
        async with self.pool.acquire() as conn:
            yield conn


async def set_tenant(conn: Any, tenant_id: str | None) -> None:
    """Confine the current transaction to `tenant_id`."""
    await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id or "")

"""PostgreSQL access: a pool, and transactions confined to one tenant by row-level security."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

__all__ = ["Connection", "Database", "InvocationDatabase", "sql_literal"]

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
    async def connect(
        cls,
        url: str,
        *,
        min_size: int = 2,
        max_size: int = 20,
        stateless: bool = False,
        settings: Mapping[str, str] | None = None,
    ) -> Database:
        """Open a pool on `url`; `settings` are PostgreSQL settings for its sessions.

        `stateless` promises that no session state outlives a connection's use (settings
        are transaction-local, locks transaction-level, no LISTEN): a connection going back
        to the pool is then not reset, which saves a round trip per use.
        """
        pool = await asyncpg.create_pool(
            url,
            min_size=min_size,
            max_size=max_size,
            init=_init_connection,
            reset=_keep_session if stateless else None,
            server_settings=dict(settings) if settings else None,
        )
        return cls(pool)

    async def close(self) -> None:
        """Close every connection of the pool."""
        await self.pool.close()

    @asynccontextmanager
    async def transaction(
        self, tenant_id: str | None, *, readonly: bool = False, guard: str = ""
    ) -> AsyncIterator[Any]:
        """A transaction that sees and writes only the rows of `tenant_id` (none when None).

        `guard`, one SQL statement without parameters (literals from `sql_literal`), runs in
        the same round trip as BEGIN; when it raises, the transaction never starts.
        """
        async with (
            self.pool.acquire() as conn,
            tenant_transaction(conn, tenant_id, readonly, guard),
        ):
            yield conn

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A bare connection, outside any tenant (for LISTEN and tenant-less tables)."""
        async with self.pool.acquire() as conn:
            yield conn


class InvocationDatabase(Database):
    """One invocation's view of the database: every transaction is the invocation's own.

    The runtime opens one transaction per invocation; blocks that ask this view for a
    transaction share it (for another tenant, with `app.tenant_id` switched for the
    block), and the runtime commits or rolls back once at the end.
    """

    def __init__(self, pool: Any, conn: Any, tenant_id: str | None) -> None:
        super().__init__(pool)
        self.conn, self.tenant_id = conn, tenant_id

    @asynccontextmanager
    async def transaction(
        self, tenant_id: str | None, *, readonly: bool = False, guard: str = ""
    ) -> AsyncIterator[Any]:
        """The invocation's transaction, confined to `tenant_id` for the block."""
        if guard:
            await self.conn.execute(guard)
        if tenant_id == self.tenant_id:
            yield self.conn
            return
        await set_tenant(self.conn, tenant_id)
        try:
            yield self.conn
        finally:
            await set_tenant(self.conn, self.tenant_id)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """The invocation's connection."""
        yield self.conn


@asynccontextmanager
async def tenant_transaction(
    conn: Any, tenant_id: str | None, readonly: bool, guard: str = ""
) -> AsyncIterator[None]:
    """BEGIN with `app.tenant_id` set (and `guard` run), in one round trip; COMMIT, or ROLLBACK
    on an exception."""
    mode = " read only" if readonly else ""
    begin = f"begin{mode}; select set_config('app.tenant_id', {sql_literal(tenant_id)}, true)"
    try:
        await conn.execute(f"{begin}; {guard}" if guard else begin)
        yield
    except BaseException:
        with contextlib.suppress(Exception):  # a broken connection is dropped by the pool
            await conn.execute("rollback")
        raise
    if await conn.execute("commit") == "ROLLBACK":  # an error was swallowed: nothing was kept
        raise RuntimeError("the transaction was aborted by an earlier error and rolled back")


def sql_literal(value: str | None) -> str:
    """`value` as an SQL string literal (standard_conforming_strings is on by default)."""
    text = value or ""
    if "\x00" in text:
        raise ValueError("an SQL literal cannot hold NUL")
    return "'" + text.replace("'", "''") + "'"


async def _keep_session(conn: Any) -> None:
    """A pool reset that keeps the session: see `Database.connect(stateless=True)`."""


async def set_tenant(conn: Any, tenant_id: str | None) -> None:
    """Confine the current transaction to `tenant_id`."""
    await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id or "")

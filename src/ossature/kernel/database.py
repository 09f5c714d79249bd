"""PostgreSQL access: a pool, and transactions confined to one tenant by row-level security."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec

__all__ = [
    "Confined",
    "Connection",
    "Database",
    "InvocationDatabase",
    "InvocationTransaction",
    "fetch_made",
    "guard_check",
    "sql_literal",
]

Connection = asyncpg.Connection


@dataclass(frozen=True)
class Confined:
    """A connection for one statement that confines itself to a tenant.

    The statement calls a function that takes the tenant and the guard as its first two
    arguments, sets `app.tenant_id` for its transaction (`set_config(..., true)`) and, when
    the guard is not empty, calls `ossature_guard` with it before it reads: a module's query
    such as `projects_list`, as `ossature_append_once` does for a command's commit
    (`alone`). Out of any transaction that one statement is the whole transaction: one
    round trip instead of three (BEGIN, the statement, COMMIT).
    """

    conn: Any
    tenant_id: str | None
    guard: str


async def _init_connection(conn: Any) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=_json_dumps, decoder=_json_loads, schema="pg_catalog"
        )


def _json_dumps(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _json_loads(value: str) -> Any:
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

        `guard`, when not empty, is checked in the same round trip as BEGIN (see
        `guard_check`); when the check raises, the transaction never starts.
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

    @asynccontextmanager
    async def alone(self) -> AsyncIterator[tuple[Any, str] | None]:
        """A connection and a guard for one statement that is a whole invocation's work, or
        None: a pool serves no invocation (see `InvocationDatabase.alone`)."""
        yield None

    def claim_alone(self) -> str | None:
        """The guard, for one statement that is a whole invocation's work and runs on a
        connection of its own (a group commit), or None: a pool serves no invocation."""
        return None

    @asynccontextmanager
    async def confined(self, tenant_id: str | None) -> AsyncIterator[Confined]:
        """A connection out of any transaction, for one statement that confines itself to
        `tenant_id` (see Confined); a pool has no guard to run."""
        async with self.pool.acquire() as conn:
            yield Confined(conn, tenant_id, "")


class InvocationTransaction:
    """An invocation's one transaction, begun at its first use.

    BEGIN (with the tenant and the guard, in one round trip) waits until a block needs the
    transaction. An invocation whose only work is one statement can then run that
    statement alone, as its whole transaction, with the tenant and the guard inside it
    (`InvocationDatabase.alone`): one round trip instead of three.
    """

    def __init__(
        self, pool: Any, tenant_id: str | None, *, readonly: bool = False, guard: str = ""
    ) -> None:
        self.pool, self.tenant_id, self.readonly, self.guard = pool, tenant_id, readonly, guard
        self._conn: Any = None
        self._owned = False
        self._guarded = not guard

    @classmethod
    def begun(cls, conn: Any, tenant_id: str | None) -> InvocationTransaction:
        """A transaction already open on `conn`, which its caller ends."""
        transaction = cls(None, tenant_id)
        transaction._conn = conn
        return transaction

    @property
    def started(self) -> bool:
        """True once BEGIN has been sent."""
        return self._conn is not None

    async def conn(self) -> Any:
        """The transaction's connection, BEGIN sent on the first call."""
        if self._conn is None:
            conn = await self.pool.acquire()
            try:
                await conn.execute(_begin(self.tenant_id, self.readonly, self.guard))
            except BaseException:  # the guard refused after BEGIN: roll back, then let go
                await _end(conn, failed=True)
                await self.pool.release(conn)
                raise
            self._conn, self._owned, self._guarded = conn, True, True
        return self._conn

    def guard_alone(self) -> str:
        """The guard, for a statement run alone that promises to run it."""
        self._guarded = True
        return self.guard

    async def end(self, failed: bool) -> None:
        """COMMIT, or ROLLBACK when `failed`. When the transaction never began, the guard
        still runs (alone) unless a statement ran it: no invocation skips it."""
        if not self._guarded:
            self._guarded = True
            async with self.pool.acquire() as conn:  # one implicit transaction for both
                await conn.execute(f"{_confine(self.tenant_id)}; {guard_check(self.guard)}")
        if not self._owned:
            return
        conn, self._conn, self._owned = self._conn, None, False
        try:
            await _end(conn, failed)
        finally:
            await self.pool.release(conn)


class InvocationDatabase(Database):
    """One invocation's view of the database: every transaction is the invocation's own.

    The runtime opens one transaction per invocation; blocks that ask this view for a
    transaction share it (for another tenant, with `app.tenant_id` switched for the
    block), and the runtime commits or rolls back once at the end.
    """

    def __init__(self, pool: Any, transaction: InvocationTransaction) -> None:
        super().__init__(pool)
        self.invocation, self.tenant_id = transaction, transaction.tenant_id

    @asynccontextmanager
    async def transaction(
        self, tenant_id: str | None, *, readonly: bool = False, guard: str = ""
    ) -> AsyncIterator[Any]:
        """The invocation's transaction, confined to `tenant_id` for the block."""
        conn = await self.invocation.conn()
        if guard:
            await conn.execute(guard_check(guard))
        if tenant_id == self.tenant_id:
            yield conn
            return
        await set_tenant(conn, tenant_id)
        try:
            yield conn
        finally:
            await set_tenant(conn, self.tenant_id)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """The invocation's connection."""
        yield await self.invocation.conn()

    @asynccontextmanager
    async def confined(self, tenant_id: str | None) -> AsyncIterator[Confined]:
        """A connection for one statement that confines itself to `tenant_id` (Confined).

        Before the invocation's transaction has begun, for its own tenant: a connection out
        of any transaction and the guard, which the statement then runs. Otherwise: the
        invocation's transaction (begun now if need be), confined to `tenant_id` for the
        block, the guard already run. A statement run alone sees its own snapshot: use it
        for an invocation's only statement, as list-projects does.
        """
        if self.invocation.started or tenant_id != self.tenant_id:
            async with self.transaction(tenant_id) as conn:
                yield Confined(conn, tenant_id, "")
            return
        async with self.pool.acquire() as conn:
            yield Confined(conn, tenant_id, self.invocation.guard_alone())

    def claim_alone(self) -> str | None:
        """The guard, for one statement that is the whole invocation's work and runs on a
        connection of its own (it must confine itself to the tenant and check the guard, as
        `ossature_append_group` does); None once the invocation's transaction has begun."""
        if self.invocation.started:
            return None
        return self.invocation.guard_alone()

    @asynccontextmanager
    async def alone(self) -> AsyncIterator[tuple[Any, str] | None]:
        """A connection out of any transaction, and the guard, for one statement that is the
        whole invocation's work (it must confine itself to the tenant and check the guard);
        None once the invocation's transaction has begun."""
        guard = self.claim_alone()
        if guard is None:
            yield None
            return
        async with self.pool.acquire() as conn:
            yield conn, guard


@asynccontextmanager
async def tenant_transaction(
    conn: Any, tenant_id: str | None, readonly: bool, guard: str = ""
) -> AsyncIterator[None]:
    """BEGIN with `app.tenant_id` set (and `guard` run), in one round trip; COMMIT, or ROLLBACK
    on an exception."""
    try:
        await conn.execute(_begin(tenant_id, readonly, guard))
        yield
    except BaseException:
        await _end(conn, failed=True)
        raise
    await _end(conn, failed=False)


def _begin(tenant_id: str | None, readonly: bool, guard: str) -> str:
    mode = " read only" if readonly else ""
    begin = f"begin{mode}; {_confine(tenant_id)}"
    return f"{begin}; {guard_check(guard)}" if guard else begin


def guard_check(guard: str) -> str:
    """The statement that checks an invocation's guard: a call of `ossature_guard`, which the
    kernel declares and a module defines (kernel migration 0007; identity: the guard is a
    session's id, refused once the session has ended)."""
    return f"select ossature_guard({sql_literal(guard)})"


def _confine(tenant_id: str | None) -> str:
    return f"select set_config('app.tenant_id', {sql_literal(tenant_id)}, true)"


async def _end(conn: Any, failed: bool) -> None:
    if failed:
        with contextlib.suppress(Exception):  # a broken connection is dropped by the pool
            await conn.execute("rollback")
        return
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


async def fetch_made(conn: Any, query: str, make: str, *args: Any) -> Any:
    """The row `query` finds; when there is none, `make` (an insert that does nothing once
    the row exists) runs first. One round trip once the row exists."""
    row = await conn.fetchrow(query, *args)
    if row is None:
        await conn.execute(make, *args)
        row = await conn.fetchrow(query, *args)
    return row


async def set_tenant(conn: Any, tenant_id: str | None) -> None:
    """Confine the current transaction to `tenant_id`."""
    await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id or "")

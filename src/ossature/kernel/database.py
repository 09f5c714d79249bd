"""PostgreSQL access: a pool, and transactions confined to one tenant by row-level security."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from ossature.kernel._sql import (
    begin,
    call,
    confine,
    end,
    fetch_made,
    guard_check,
    init_connection,
    keep_session,
    set_tenant,
    sql_literal,
    tenant_transaction,
)

__all__ = [
    "Connection",
    "Database",
    "InvocationDatabase",
    "InvocationTransaction",
    "fetch_made",
    "guard_check",
    "set_tenant",
    "sql_literal",
]

Connection = asyncpg.Connection


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
            init=init_connection,
            reset=keep_session if stateless else None,
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
    async def reading(self, tenant_id: str | None) -> AsyncIterator[Any]:
        """A read-only transaction of `tenant_id`, for a read that needs no one snapshot with
        anything else (here, the same as `transaction(tenant_id, readonly=True)`)."""
        async with self.transaction(tenant_id, readonly=True) as conn:
            yield conn

    async def call(self, tenant_id: str | None, function: str, *args: Any) -> list[Any]:
        """The rows of `select * from function(<tenant>, *args)`: the door for a statement
        that is an invocation's whole work.

        The function's first parameter is an `ossature_confined`, which `ossature_confine`
        makes from the tenant and the invocation's guard before the function runs (kernel
        live/ossature_confine.sql): the statement is confined to `tenant_id` and the guard
        checked, whatever the function does. When nothing began the invocation's
        transaction, that statement is its whole transaction: one round trip instead of
        BEGIN, the statement and COMMIT. Otherwise it runs in that transaction.
        """
        async with self.pool.acquire() as conn:
            return await call(conn, tenant_id, "", function, args)

    def within(self, conn: Any, tenant_id: str | None) -> Database:
        """This database as seen from the transaction already open on `conn`, confined to
        `tenant_id`: every transaction asked of it is that one (its caller ends it)."""
        return InvocationDatabase(self.pool, InvocationTransaction._begun(conn, tenant_id))

    # Kernel-internal (the unit of work's commit), never used from a module: a module's one
    # statement goes through `call`, which cannot forget the tenant or the guard.

    @asynccontextmanager
    async def _alone(self) -> AsyncIterator[tuple[Any, str] | None]:
        """A connection and a guard for one statement that is a whole invocation's work, or
        None: a pool serves no invocation (see `InvocationDatabase._alone`)."""
        yield None

    def _claim_alone(self) -> str | None:
        """The guard, for one statement that is a whole invocation's work and runs on a
        connection of its own (a group commit), or None: a pool serves no invocation."""
        return None


class InvocationTransaction:
    """An invocation's one transaction, begun at its first use.

    BEGIN (with the tenant and the guard, in one round trip) waits until a block needs the
    transaction. An invocation whose only work is one statement can then run that
    statement alone, as its whole transaction, with the tenant and the guard inside it
    (`Database.call`, and the unit of work's commit): one round trip instead of three.
    """

    def __init__(
        self, pool: Any, tenant_id: str | None, *, readonly: bool = False, guard: str = ""
    ) -> None:
        self.pool, self.tenant_id, self.readonly, self.guard = pool, tenant_id, readonly, guard
        self._conn: Any = None
        self._owned = False
        self._guarded = not guard

    @classmethod
    def _begun(cls, conn: Any, tenant_id: str | None) -> InvocationTransaction:
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
                await conn.execute(begin(self.tenant_id, self.readonly, self.guard))
            except BaseException:  # the guard refused after BEGIN: roll back, then let go
                await end(conn, failed=True)
                await self.pool.release(conn)
                raise
            self._conn, self._owned, self._guarded = conn, True, True
        return self._conn

    def _guard_alone(self) -> str:
        """The guard, for a statement run alone that promises to run it."""
        self._guarded = True
        return self.guard

    async def end(self, failed: bool) -> None:
        """COMMIT, or ROLLBACK when `failed`. When the transaction never began, the guard
        still runs (alone) unless a statement ran it: no invocation skips it."""
        if not self._guarded:
            self._guarded = True
            async with self.pool.acquire() as conn:  # one implicit transaction for both
                await conn.execute(f"{confine(self.tenant_id)}; {guard_check(self.guard)}")
        if not self._owned:
            return
        conn, self._conn, self._owned = self._conn, None, False
        try:
            await end(conn, failed)
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
        except BaseException:
            # A failed statement aborted the transaction, which will roll back: switching the
            # tenant back would fail too and hide the first error (a conflict, say).
            with contextlib.suppress(asyncpg.InFailedSQLTransactionError):
                await set_tenant(conn, self.tenant_id)
            raise
        await set_tenant(conn, self.tenant_id)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """The invocation's connection."""
        yield await self.invocation.conn()

    @asynccontextmanager
    async def reading(self, tenant_id: str | None) -> AsyncIterator[Any]:
        """The invocation's transaction once it has begun: the invocation then holds its
        connection, and a second one from the pool might never come, every connection held
        by an invocation waiting so. Before, a read-only transaction of its own, which leaves
        the invocation's unbegun (its commit may still run alone, or in a group)."""
        if self.invocation.started:
            async with self.transaction(tenant_id, readonly=True) as conn:
                yield conn
            return
        async with super().transaction(tenant_id, readonly=True) as conn:
            yield conn

    async def call(self, tenant_id: str | None, function: str, *args: Any) -> list[Any]:
        """See `Database.call`: alone with the guard before the invocation's transaction has
        begun, for its own tenant; otherwise in that transaction (begun now if need be),
        confined to `tenant_id` for the statement, the guard already checked. A statement
        run alone sees its own snapshot: use it for an invocation's only statement."""
        if self.invocation.started or tenant_id != self.tenant_id:
            async with self.transaction(tenant_id) as conn:
                return await call(conn, tenant_id, "", function, args)
        async with self.pool.acquire() as conn:
            guard = self.invocation._guard_alone()
            return await call(conn, tenant_id, guard, function, args)

    def _claim_alone(self) -> str | None:
        """The guard, for one statement that is the whole invocation's work and runs on a
        connection of its own (it must confine itself to the tenant and check the guard, as
        `ossature_append_group` does); None once the invocation's transaction has begun."""
        if self.invocation.started:
            return None
        return self.invocation._guard_alone()

    @asynccontextmanager
    async def _alone(self) -> AsyncIterator[tuple[Any, str] | None]:
        """A connection out of any transaction, and the guard, for one statement that is the
        whole invocation's work (it must confine itself to the tenant and check the guard);
        None once the invocation's transaction has begun."""
        guard = self._claim_alone()
        if guard is None:
            yield None
            return
        async with self.pool.acquire() as conn:
            yield conn, guard

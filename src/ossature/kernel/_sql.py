"""The SQL texts and connection helpers under `Database`: BEGIN with the tenant and the guard,
the guard's check, the door's statement, COMMIT that notices a swallowed error."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import msgspec

__all__ = [
    "begin",
    "call",
    "confine",
    "end",
    "fetch_made",
    "guard_check",
    "init_connection",
    "keep_session",
    "set_tenant",
    "sql_literal",
    "tenant_transaction",
]


async def init_connection(conn: Any) -> None:
    """Decode JSON with msgspec on a new connection of a pool."""
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(
            type_name, encoder=_json_dumps, decoder=_json_loads, schema="pg_catalog"
        )


def _json_dumps(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _json_loads(value: str) -> Any:
    return msgspec.json.decode(value)


async def call(
    conn: Any, tenant_id: str | None, guard: str, function: str, args: tuple[Any, ...]
) -> list[Any]:
    """The rows of `function` called on `conn` through `ossature_confine` (`Database.call`)."""
    rows: list[Any] = await conn.fetch(
        call_statement(function, len(args)), tenant_id or "", guard, *args
    )
    return rows


_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@cache
def call_statement(function: str, arity: int) -> str:
    """`select * from function(ossature_confine($1, $2), $3, ...)`: the arguments are
    evaluated before the function runs, so the tenant is set and the guard checked first."""
    if not _NAME.fullmatch(function):
        raise ValueError(f"not the name of an SQL function: {function!r}")
    rest = "".join(f", ${n}" for n in range(3, arity + 3))
    # `function` is checked to be a bare name just above; the values are parameters.
    return f"select * from {function}(ossature_confine($1, $2){rest})"  # noqa: S608


@asynccontextmanager
async def tenant_transaction(
    conn: Any, tenant_id: str | None, readonly: bool, guard: str = ""
) -> AsyncIterator[None]:
    """BEGIN with `app.tenant_id` set (and `guard` run), in one round trip; COMMIT, or ROLLBACK
    on an exception."""
    try:
        await conn.execute(begin(tenant_id, readonly, guard))
        yield
    except BaseException:
        await end(conn, failed=True)
        raise
    await end(conn, failed=False)


def begin(tenant_id: str | None, readonly: bool, guard: str) -> str:
    """BEGIN, the tenant set and the guard checked: one script, one round trip."""
    mode = " read only" if readonly else ""
    script = f"begin{mode}; {confine(tenant_id)}"
    return f"{script}; {guard_check(guard)}" if guard else script


def guard_check(guard: str) -> str:
    """The statement that checks an invocation's guard: a call of `ossature_guard`, which the
    kernel calls and one module defines (identity's live/ossature_guard.sql: the guard is a
    session's id, refused once the session has ended)."""
    return f"select ossature_guard({sql_literal(guard)})"


def confine(tenant_id: str | None) -> str:
    """The statement that confines the current transaction to `tenant_id`."""
    return f"select set_config('app.tenant_id', {sql_literal(tenant_id)}, true)"


async def end(conn: Any, failed: bool) -> None:
    """COMMIT, or ROLLBACK when `failed`; a COMMIT that rolled back raises."""
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


async def keep_session(conn: Any) -> None:
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

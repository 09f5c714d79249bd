"""Database set-up as the owner: roles, migrations in order, and the grants RLS relies on.

The application connects as `ossature_app` (row-level security applies to it);
the relay as `ossature_relay` (it may read every tenant's events, nothing else).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from ossature.kernel.database import sql_literal

__all__ = ["database_url_for", "migrate"]

_LOCK = 7_245_001
_GRANTS = """
grant usage on schema public to ossature_app, ossature_relay;
grant select, insert, update, delete on all tables in schema public to ossature_app;
revoke update, delete, truncate on events, audit_entries from ossature_app;
grant usage, select on all sequences in schema public to ossature_app;
grant select on events to ossature_relay;
grant select, update on relay_cursor to ossature_relay;
"""


def database_url_for(url: str, user: str, password: str, database: str | None = None) -> str:
    """`url` with another user (and database): how each role connects."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    path = f"/{database}" if database else parts.path
    return urlunsplit(
        (parts.scheme, f"{quote(user)}:{quote(password)}@{host}", path, parts.query, "")
    )


async def ensure_database(admin_url: str, name: str) -> str:
    """Create database `name` if missing; the owner's URL to it."""
    conn = await asyncpg.connect(admin_url)
    try:
        if not await conn.fetchval("select 1 from pg_database where datname = $1", name):
            await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


async def migrate(
    owner_url: str, folders: list[tuple[str, Path]], passwords: dict[str, str]
) -> int:
    """Apply every migration not yet applied; the number applied. Safe to run concurrently."""
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute("select pg_advisory_lock($1)", _LOCK)
        await _roles(conn, passwords)
        await conn.execute(
            "create table if not exists schema_migrations (name text primary key,"
            " applied_at timestamptz not null default now())"
        )
        applied = 0
        for module, folder in folders:
            for file in sorted(folder.glob("*.sql")):
                applied += await _apply(conn, f"{module}/{file.name}", file.read_text())
        await conn.execute(_GRANTS)
        return applied
    finally:
        await conn.close()


async def _roles(conn: asyncpg.Connection, passwords: dict[str, str]) -> None:
    for role, password in passwords.items():
        exists = await conn.fetchval("select 1 from pg_roles where rolname = $1", role)
        verb = "alter" if exists else "create"
        secret = sql_literal(password)
        await conn.execute(f"{verb} role {role} login nosuperuser nobypassrls password {secret}")


async def _apply(conn: asyncpg.Connection, name: str, sql: str) -> int:
    if await conn.fetchval("select 1 from schema_migrations where name = $1", name):
        return 0
    async with conn.transaction():
        await conn.execute(sql)
        await conn.execute("insert into schema_migrations (name) values ($1)", name)
    return 1

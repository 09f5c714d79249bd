"""Database set-up as the owner: roles, migrations in order, and the grants RLS relies on.

Each folder holds forward migrations (`NNNN_name.sql`, each applied once, in name order:
tables, indexes, types, data, and dropping what a live file no longer defines) and `live/`,
one file per function or view (with the triggers that call it), named after it: the live
definition, applied after every forward migration and again whenever any live file's text
changes (recorded by checksum in `schema_live`), all of them in the same order, so that an
upgraded database holds what a new one does. Forward and live files go in one transaction:
a migration that fails leaves the database as the previous code left it.

Each role connects with a login of its own and may write only what it owns (decision 42):
`ossature_app` (the gateway) and `ossature_worker` (projections, the notifier) write tenants'
rows, confined by row-level security; the workers also their checkpoints and cursors;
`ossature_relay` reads every tenant's events and moves its cursor; `ossature_scheduler` reads
every tenant's due login extracts and moves their next run, and claims their due billing
cycles, and every tenant's sagas past their deadline. Migrations are the owner's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg

from ossature.kernel.database import sql_literal

__all__ = ["MigrationFailed", "database_url_for", "live_files", "migrate"]

_LOCK = 7_245_001
_TABLES = """
create table if not exists schema_migrations (name text primary key,
    applied_at timestamptz not null default now());
create table if not exists schema_live (name text primary key, checksum text not null,
    applied_at timestamptz not null default now());
"""
# Granted again at every start, so a new table is covered, and an older database loses what
# an earlier version granted. The grant to all tables, then what no tenant owns taken back.
_GRANTS = """
grant usage on schema public to ossature_app, ossature_worker, ossature_relay, ossature_scheduler;
grant select, insert, update, delete on all tables in schema public
    to ossature_app, ossature_worker;
grant usage, select on all sequences in schema public to ossature_app, ossature_worker;
revoke update, delete, truncate on events, audit_entries from ossature_app, ossature_worker;
revoke all on schema_migrations, schema_live, relay_cursor from ossature_app, ossature_worker;
revoke all on identity_legacy_sealed from ossature_app, ossature_worker;
revoke all on projection_checkpoints, notifier_cursors from ossature_app;
revoke insert on events, idempotency_records from ossature_worker;
grant select on events to ossature_relay;
grant select, update on relay_cursor to ossature_relay;
grant select on tenants to ossature_scheduler;
grant select, update (next_run_at) on login_extract_schedule to ossature_scheduler;
do $$ begin  -- billing's cycles, once its migrations made them
    if to_regclass('billing_cycles') is not null then
        grant select, update (close_claimed_until) on billing_cycles to ossature_scheduler;
    end if;
end $$;
do $$ begin  -- the sagas' timeouts, once the kernel's migrations made them
    if to_regclass('sagas') is not null then
        grant select, update (state, data, deadline, updated_at) on sagas to ossature_scheduler;
    end if;
end $$;
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
    """Apply every forward migration not yet applied, then the live files if any changed, in
    one transaction; the number of files applied. Safe to run concurrently."""
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute("select pg_advisory_lock($1)", _LOCK)
        await _roles(conn, passwords)
        async with conn.transaction():
            await conn.execute(_TABLES)
            applied = 0
            for module, folder in folders:
                for file in sorted(folder.glob("*.sql")):
                    applied += await _forward(conn, f"{module}/{file.name}", file.read_text())
            applied += await _live(conn, live_files(folders))
            await conn.execute(_GRANTS)
        return applied
    finally:
        await conn.close()


def live_files(folders: list[tuple[str, Path]]) -> list[tuple[str, str]]:
    """The live files of `folders` as (name, text), in the order they are applied: the
    folders' order, then the files' names (a file may use what an earlier one defines)."""
    return [
        (f"{module}/live/{file.name}", file.read_text())
        for module, folder in folders
        for file in sorted((folder / "live").glob("*.sql"))
    ]


async def _roles(conn: asyncpg.Connection, passwords: dict[str, str]) -> None:
    for role, password in passwords.items():
        secret = sql_literal(password)
        elevated = await conn.fetchval(
            "select rolsuper or rolbypassrls from pg_roles where rolname = $1", role
        )
        if elevated is None:
            await conn.execute(
                f"create role {role} login nosuperuser nobypassrls password {secret}"
            )
        else:
            # Only a superuser may name SUPERUSER or BYPASSRLS, even to take them away: an
            # owner with CREATEROLE (external engines) names them only when they must go.
            taken_away = " nosuperuser nobypassrls" if elevated else ""
            await conn.execute(f"alter role {role} login{taken_away} password {secret}")


async def _forward(conn: asyncpg.Connection, name: str, sql: str) -> int:
    if await conn.fetchval("select 1 from schema_migrations where name = $1", name):
        return 0
    await _run(conn, name, sql)
    await conn.execute("insert into schema_migrations (name) values ($1)", name)
    return 1


async def _live(conn: asyncpg.Connection, files: list[tuple[str, str]]) -> int:
    """Every live file, when any is new or changed: one changed definition may replace what
    a later file defined (a module's body of a function the kernel calls), so applying all
    in order is what keeps an upgraded database equal to a new one."""
    sums = {name: hashlib.sha256(sql.encode()).hexdigest() for name, sql in files}
    recorded = dict(await conn.fetch("select name, checksum from schema_live"))
    if recorded == sums:
        return 0
    for name, sql in files:
        await _run(conn, name, sql)
    await conn.execute("delete from schema_live")
    await conn.executemany(
        "insert into schema_live (name, checksum) values ($1, $2)", list(sums.items())
    )
    return len(files)


async def _run(conn: asyncpg.Connection, name: str, sql: str) -> None:
    try:
        await conn.execute(sql)
    except asyncpg.PostgresError as error:  # say which file; the transaction rolls back
        raise MigrationFailed(f"{name}: {error}") from error


class MigrationFailed(Exception):
    """A migration file failed: nothing of this run was kept."""

"""Database set-up as the owner: roles, migrations in order, and the grants RLS relies on.

Each folder holds forward migrations (`NNNN_name.sql`, each applied once, in name order:
tables, indexes, types, data, and dropping what a live file no longer defines) and `live/`,
one file per function or view (with the triggers that call it), named after it: the live
definition, applied after every forward migration and again whenever any live file's text
changes (recorded by checksum in `schema_live`), all of them in the same order, so that an
upgraded database holds what a new one does. Forward and live files go in one transaction:
a migration that fails leaves the database as the previous code left it.

A breaking change ships in two phases (decision 117): a forward migration whose name ends in
`.contract.sql` drops or narrows what older code still uses, and is applied only by
`migrate(..., contract=True)` (`ossature migrate --contract`), once no process of that older
code runs; every other one expands, and is applied by every migration. A process started
with OSSATURE_MIGRATE=off migrates nothing and only checks that the database holds what its
code needs (`check_current`), so that the migrations Job of a deployment is their one writer.

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

__all__ = [
    "CONTRACT",
    "MigrationFailed",
    "SchemaBehind",
    "behind",
    "check_current",
    "database_url_for",
    "forward_files",
    "live_files",
    "migrate",
]

CONTRACT = ".contract.sql"  # the end of a contract migration's name

_LOCK = 7_245_001
_TABLES = """
create table if not exists schema_migrations (name text primary key,
    applied_at timestamptz not null default now());
create table if not exists schema_live (name text primary key, checksum text not null,
    applied_at timestamptz not null default now());
create table if not exists schema_live_sets (digest text primary key,
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
revoke all on schema_migrations, schema_live, schema_live_sets, relay_cursor
    from ossature_app, ossature_worker;
revoke all on projection_checkpoints, notifier_cursors from ossature_app;
revoke insert on events, idempotency_records from ossature_worker;
grant select on events to ossature_relay;
grant select, update on relay_cursor to ossature_relay;
grant select on tenants to ossature_scheduler;
grant select, update (next_run_at) on login_extract_schedule to ossature_scheduler;
do $$ begin  -- identity's record of its start-up step, once its migrations made it
    if to_regclass('identity_legacy_sealed') is not null then
        revoke all on identity_legacy_sealed from ossature_app, ossature_worker;
    end if;
end $$;
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
    owner_url: str,
    folders: list[tuple[str, Path]],
    passwords: dict[str, str],
    *,
    contract: bool = False,
) -> int:
    """Apply every forward migration not yet applied (the contract ones only with
    `contract`), then the live files if any changed, in one transaction; the number of files
    applied. Safe to run concurrently."""
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute("select pg_advisory_lock($1)", _LOCK)
        await _roles(conn, passwords)
        async with conn.transaction():
            await conn.execute(_TABLES)
            applied = 0
            for module, folder in folders:
                for file in forward_files(folder, contract=contract):
                    applied += await _forward(conn, f"{module}/{file.name}", file.read_text())
            applied += await _live(conn, live_files(folders))
            await conn.execute(_GRANTS)
        return applied
    finally:
        await conn.close()


def forward_files(folder: Path, *, contract: bool) -> list[Path]:
    """The forward migrations of `folder` in name order; the contract ones only if asked."""
    files = sorted(folder.glob("*.sql"))
    return files if contract else [file for file in files if not file.name.endswith(CONTRACT)]


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
    sums = _sums(files)
    recorded = dict(await conn.fetch("select name, checksum from schema_live"))
    await conn.execute(  # every set ever applied: a later one tells older code it is behind
        "insert into schema_live_sets (digest) values ($1) on conflict do nothing", _digest(sums)
    )
    if recorded == sums:
        return 0
    for name, sql in files:
        await _run(conn, name, sql)
    await conn.execute("delete from schema_live")
    await conn.executemany(
        "insert into schema_live (name, checksum) values ($1, $2)", list(sums.items())
    )
    return len(files)


async def behind(owner_url: str, folders: list[tuple[str, Path]]) -> list[str]:
    """What the code of `folders` needs and the database lacks: each expand migration not
    applied, and `live definitions` when its set of live files was never applied (a set
    applied once and replaced since is a later code's: the database is ahead, not behind)."""
    conn = await asyncpg.connect(owner_url)
    try:
        applied: set[str] = set()  # an empty database: nothing applied, no live set known
        known = False
        if await conn.fetchval("select to_regclass('schema_migrations')") is not None:
            applied = {row[0] for row in await conn.fetch("select name from schema_migrations")}
        if await conn.fetchval("select to_regclass('schema_live_sets')") is not None:
            digest = _digest(_sums(live_files(folders)))
            known = bool(
                await conn.fetchval("select 1 from schema_live_sets where digest = $1", digest)
            )
    finally:
        await conn.close()
    missing = [
        f"{module}/{file.name}"
        for module, folder in folders
        for file in forward_files(folder, contract=False)
        if f"{module}/{file.name}" not in applied
    ]
    return missing + ([] if known else ["live definitions"])


async def check_current(owner_url: str, folders: list[tuple[str, Path]]) -> None:
    """Raise SchemaBehind when the database lacks what the code of `folders` needs."""
    missing = await behind(owner_url, folders)
    if missing:
        raise SchemaBehind(missing)


def _sums(files: list[tuple[str, str]]) -> dict[str, str]:
    return {name: hashlib.sha256(sql.encode()).hexdigest() for name, sql in files}


def _digest(sums: dict[str, str]) -> str:
    return hashlib.sha256(
        "\n".join(f"{n} {s}" for n, s in sorted(sums.items())).encode()
    ).hexdigest()


async def _run(conn: asyncpg.Connection, name: str, sql: str) -> None:
    try:
        await conn.execute(sql)
    except asyncpg.PostgresError as error:  # say which file; the transaction rolls back
        raise MigrationFailed(f"{name}: {error}") from error


class MigrationFailed(Exception):
    """A migration file failed: nothing of this run was kept."""


class SchemaBehind(Exception):
    """The database lacks migrations this code needs, and this process may not apply them."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        shown = ", ".join(missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        super().__init__(
            f"the database schema is behind this code ({shown} not applied) and"
            " OSSATURE_MIGRATE=off: run `ossature migrate` first"
        )

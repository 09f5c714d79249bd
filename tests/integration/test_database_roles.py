"""Each database role writes only what it owns (decision 42): the application its own
tenant's rows; the workers their checkpoints and cursor; the relay its cursor; the scheduler
every tenant's next runs; the owner the migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from ossature.kernel.database import Database
from ossature.runtime.system import System
from tests.integration._catalog import tenant_tables
from tests.integration.support import Tenant, make_tenant

# Whether `role` may change rows of each table of the public schema.
_WRITABLE = """
select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p')
  and has_table_privilege($1, c.oid, 'insert, update, delete, truncate')
order by 1
"""

Writer = Callable[[System, str], AbstractAsyncContextManager[Any]]


@asynccontextmanager
async def _rolled_back(db: Database | None, tenant_id: str | None) -> AsyncIterator[Any]:
    """A connection of `db` in a transaction confined to `tenant_id`, rolled back after."""
    assert db is not None
    async with db.connection() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id or "")
            yield conn
        finally:
            await transaction.rollback()


@asynccontextmanager
async def _as_owner(system: System, tenant_id: str) -> AsyncIterator[Any]:
    conn = await asyncpg.connect(system.owner_url)
    try:
        async with _rolled_back_on(conn):
            yield conn
    finally:
        await conn.close()


@asynccontextmanager
async def _rolled_back_on(conn: Any) -> AsyncIterator[None]:
    transaction = conn.transaction()
    await transaction.start()
    try:
        yield
    finally:
        await transaction.rollback()


def _app_of_that_tenant(system: System, tenant_id: str) -> AbstractAsyncContextManager[Any]:
    return _rolled_back(system.db, tenant_id)


def _worker(system: System, tenant_id: str) -> AbstractAsyncContextManager[Any]:
    return _rolled_back(system.worker_db, None)


def _relay(system: System, tenant_id: str) -> AbstractAsyncContextManager[Any]:
    return _rolled_back(system.relay_db, None)


def _scheduler(system: System, tenant_id: str) -> AbstractAsyncContextManager[Any]:
    return _rolled_back(system.scheduler_db, None)


# Each write the application must not make from another tenant's transaction, and the role
# that owns it. $1 is the other tenant's id.
WRITES: dict[str, tuple[str, Writer]] = {
    "another tenant's slug": (
        "update tenants set slug = slug || '-taken' where tenant_id = $1",
        _app_of_that_tenant,
    ),
    "a directory entry of another tenant": (
        "insert into tenants (tenant_id, slug, display_name, root_folder_id)"
        " values ($1, 'x-' || lower($1), 'x', 'x') on conflict (tenant_id) do update"
        " set display_name = 'taken'",
        _app_of_that_tenant,
    ),
    "another tenant's next extract": (
        "update login_extract_schedule set next_run_at = now() where tenant_id = $1",
        _scheduler,
    ),
    "an extract scheduled for another tenant": (
        "insert into login_extract_schedule (tenant_id, source_name, schedule, next_run_at)"
        " values ($1, 'planted', '@daily', now())",
        _app_of_that_tenant,
    ),
    "the relay's cursor": (
        "update relay_cursor set position = position where $1::text is not null",
        _relay,
    ),
    "a projection's checkpoint": (
        "insert into projection_checkpoints (projection) values ($1)",
        _worker,
    ),
    "the notifier's cursor": ("insert into notifier_cursors (name) values ($1)", _worker),
    "the migrations applied": (
        "insert into schema_migrations (name) values ($1)",
        _as_owner,
    ),
    "the live definitions applied": (
        "update schema_live set checksum = checksum where $1::text is not null",
        _as_owner,
    ),
}


def _rows(status: str) -> int:
    """The rows a statement touched, from its status (`UPDATE 2`, `INSERT 0 1`)."""
    return int(status.rsplit(" ", 1)[1])


@pytest.fixture
async def other(system: System) -> Tenant:
    """Another tenant, with a scheduled extract written by the application under its tenant
    (as the projection `login-sources` does)."""
    made = await make_tenant(system)
    assert system.db is not None
    async with system.db.transaction(made.tenant_id) as conn:
        await conn.execute(
            "insert into login_extract_schedule (tenant_id, source_name, schedule, next_run_at)"
            " values ($1, 'crm', '@daily', $2)",
            made.tenant_id,
            datetime(2100, 1, 1, tzinfo=UTC),
        )
    return made


@pytest.mark.parametrize("what", sorted(WRITES))
async def test_the_application_cannot_write_what_another_tenant_or_role_owns(
    system: System, tenant: Tenant, other: Tenant, what: str
) -> None:
    """From its own tenant's transaction, the application's write is refused (no privilege,
    or row-level security: an error, or no row touched)."""
    statement, _ = WRITES[what]
    touched: int | str
    # when
    try:
        async with _rolled_back(system.db, tenant.tenant_id) as conn:
            touched = _rows(await conn.execute(statement, other.tenant_id))
    except asyncpg.InsufficientPrivilegeError as error:
        touched = error.sqlstate
    # then
    assert touched in (0, "42501")


@pytest.mark.parametrize("what", sorted(WRITES))
async def test_the_owning_role_writes_it(system: System, other: Tenant, what: str) -> None:
    """The same statement from the role that owns the row touches it (rolled back): the
    refusal above is the role's, not a statement that could not write anything."""
    statement, owner = WRITES[what]

    async with owner(system, other.tenant_id) as conn:
        touched = _rows(await conn.execute(statement, other.tenant_id))

    assert touched >= 1


async def test_what_the_application_may_write_is_confined_to_a_tenant(system: System) -> None:
    """Every table the application's role may change has a `tenant_id` and forced row-level
    security; nothing else is writable by it (derived from the catalog: a new table of a
    module is checked the day it lands)."""
    assert system.db is not None
    async with system.db.connection() as conn:
        writable = [row["name"] for row in await conn.fetch(_WRITABLE, "ossature_app")]
        confined = {row["name"] for row in await tenant_tables(conn) if row["forced"]}

    assert [] == [name for name in writable if name not in confined]
    assert "events" in writable  # the query finds the application's tables at all


async def test_the_scheduler_moves_next_runs_and_claims_and_writes_nothing_else(
    system: System,
) -> None:
    """The scheduler's role may change an extract's next run, a billing cycle's claim for
    closing, and a saga's state, data and deadline as its timeout moves it on."""
    assert system.scheduler_db is not None
    async with system.scheduler_db.connection() as conn:
        writable = [row["name"] for row in await conn.fetch(_WRITABLE, "ossature_scheduler")]
        columns = await conn.fetchval(
            "select array_agg(column_name::text order by column_name)"
            " from information_schema.column_privileges"
            " where grantee = 'ossature_scheduler' and privilege_type = 'UPDATE'"
        )

    saga = ["data", "deadline", "state", "updated_at"]
    assert ([], sorted(["close_claimed_until", "next_run_at", *saga])) == (writable, columns)

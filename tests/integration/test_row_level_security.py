"""Row-level security confines the application's role to one tenant's rows.

The tables are read from the catalog after migrations, never listed here: a module's new
table with a `tenant_id` column is checked by these tests the day its migration lands.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.runtime.system import System
from tests.integration._catalog import tenant_tables
from tests.integration.support import Tenant, make_tenant

# The only tables that hold a tenant id and are read across tenants, each with its reason.
# Row-level security still confines what the application writes to them (decision 42).
CROSS_TENANT = {
    "tenants": "the directory a log-in looks a tenant up in by slug: ids, slugs and names only",
    "announcements": "the platform's changelog, which every tenant's users read (decision 66)",
}

_OWNED = """
select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relowner = (select oid from pg_roles where rolname = current_user)
  and c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
"""


async def _tenant_tables(system: System) -> list[asyncpg.Record]:
    assert system.db is not None
    async with system.db.connection() as conn:
        return await tenant_tables(conn)


async def _confined_tables(system: System) -> list[str]:
    return [row["name"] for row in await _tenant_tables(system) if row["name"] not in CROSS_TENANT]


async def _tenants_seen(db: Database, tenant_id: str | None, tables: list[str]) -> set[str]:
    async with db.transaction(tenant_id, readonly=True) as conn:
        return {
            row["tenant_id"]
            for table in tables
            for row in await conn.fetch(f"select distinct tenant_id from {table}")
        }


async def test_every_tenant_table_has_row_level_security_enabled_forced_and_a_policy(
    system: System,
) -> None:
    """Each table with a `tenant_id` column is confined by RLS, those read across tenants
    included (their writes are confined)."""
    rows = await _tenant_tables(system)
    expected = {row["name"]: (True, True, True) for row in rows}

    actual = {row["name"]: (row["enabled"], row["forced"], row["policies"] > 0) for row in rows}

    assert expected == actual
    assert "events" in actual  # the catalog query finds the tables at all


async def test_the_cross_tenant_allow_list_names_only_tables_that_exist(system: System) -> None:
    """Every table allowed to cross tenants exists and has a `tenant_id`: the list stays true."""
    expected = set(CROSS_TENANT)

    actual = {row["name"] for row in await _tenant_tables(system)} & expected

    assert expected == actual


async def test_the_application_role_owns_no_table(system: System) -> None:
    """The application's role owns no table: an owner could turn row-level security off."""
    assert system.db is not None
    async with system.db.connection() as conn:
        owned = await conn.fetch(_OWNED)
    expected: list[str] = []

    actual = [row["relname"] for row in owned]

    assert expected == actual


async def test_the_application_role_sees_only_the_current_tenant(
    system: System, tenant: Tenant
) -> None:
    """With tenant A set, no row of another tenant is visible in any confined table."""
    assert system.db is not None
    await make_tenant(system)
    tables = await _confined_tables(system)

    seen = await _tenants_seen(system.db, tenant.tenant_id, tables)

    assert {tenant.tenant_id} == seen


async def test_without_a_tenant_nothing_is_visible(system: System, tenant: Tenant) -> None:
    """A transaction that names no tenant reads no row of any confined table."""
    assert system.db is not None
    tables = await _confined_tables(system)

    seen = await _tenants_seen(system.db, None, tables)

    assert set() == seen


async def test_writing_a_row_for_another_tenant_is_refused(system: System, tenant: Tenant) -> None:
    """An event stamped with another tenant's id cannot be inserted under this tenant."""
    assert system.db is not None
    other = await make_tenant(system)
    pending = PendingAppend(
        "project", new_id(), 0, (ProjectCreated(project_id="p", folder_id="f", project_name="n"),)
    )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with system.db.transaction(tenant.tenant_id) as conn:
            await EventStore().append(
                conn, tenant.ctx("admin"), other.tenant_id, datetime.now(UTC), [pending]
            )


async def test_the_application_role_is_not_a_superuser(system: System) -> None:
    """RLS applies to the application's role: it neither is superuser nor bypasses RLS."""
    assert system.db is not None
    async with system.db.connection() as conn:
        row = await conn.fetchrow(
            "select rolsuper, rolbypassrls from pg_roles where rolname = current_user"
        )
    assert (False, False) == (row["rolsuper"], row["rolbypassrls"])

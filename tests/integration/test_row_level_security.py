"""Row-level security confines the application's role to one tenant's rows."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.modules.projects.events import ProjectCreated
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant


async def test_the_application_role_sees_only_the_current_tenant(
    system: System, tenant: Tenant
) -> None:
    """With tenant A set, no row of tenant B is visible in any tenant-owned table."""
    other = await make_tenant(system)
    async with system.db.transaction(tenant.tenant_id) as conn:
        tenants_seen = {
            row["tenant_id"]
            for table in ("events", "folders")
            for row in await conn.fetch(f"select distinct tenant_id from {table}")
        }
    assert {tenant.tenant_id} == tenants_seen
    assert other.tenant_id not in tenants_seen


async def test_without_a_tenant_nothing_is_visible(system: System, tenant: Tenant) -> None:
    """A transaction that names no tenant reads no tenant-owned row."""
    async with system.db.transaction(None) as conn:
        counts = [
            await conn.fetchval(f"select count(*) from {table}")
            for table in ("events", "folders", "accounts", "projects", "audit_entries")
        ]
    assert [0, 0, 0, 0, 0] == counts


async def test_writing_a_row_for_another_tenant_is_refused(system: System, tenant: Tenant) -> None:
    """An event stamped with another tenant's id cannot be inserted under this tenant."""
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
    async with system.db.connection() as conn:
        row = await conn.fetchrow(
            "select rolsuper, rolbypassrls from pg_roles where rolname = current_user"
        )
    assert (False, False) == (row["rolsuper"], row["rolbypassrls"])

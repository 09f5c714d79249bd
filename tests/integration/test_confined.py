"""One statement confined to a tenant: alone as an invocation's first work, else inside its
transaction."""

from __future__ import annotations

import asyncpg
import pytest

from ossature.kernel.database import InvocationDatabase, InvocationTransaction
from ossature.kernel.ids import new_id
from ossature.modules.identity.projections import SESSION_ENDED
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant, open_session

_TENANT = "select current_setting('app.tenant_id', true)"


async def test_a_confined_statement_runs_alone_before_the_transaction_begins_and_in_it_after(
    system: System, tenant: Tenant
) -> None:
    """First: a connection out of any transaction, with the guard to run. Once the
    invocation's transaction has begun: that transaction, the guard already run. For
    another tenant: the transaction, switched to that tenant for the block only."""
    other = await make_tenant(system)
    guard = await open_session(system, tenant.tenant_id)
    transaction = InvocationTransaction(system.db.pool, tenant.tenant_id, guard=guard)
    view = InvocationDatabase(system.db.pool, transaction)
    try:
        async with view.confined(tenant.tenant_id) as first:
            alone = (first.conn.is_in_transaction(), first.guard, first.tenant_id)
        async with view.connection():  # the invocation's transaction begins
            pass
        async with view.confined(tenant.tenant_id) as then:
            inside = (then.conn.is_in_transaction(), then.guard, await then.conn.fetchval(_TENANT))
        async with view.confined(other.tenant_id) as switched:
            elsewhere = (switched.guard, await switched.conn.fetchval(_TENANT))
        async with view.connection() as conn:
            after = await conn.fetchval(_TENANT)
    finally:
        await transaction.end(failed=False)

    assert (False, guard, tenant.tenant_id) == alone
    assert (True, "", tenant.tenant_id) == inside
    assert ("", other.tenant_id) == elsewhere
    assert tenant.tenant_id == after


async def test_a_guard_naming_no_open_session_is_refused_with_begin_and_alone_at_the_end(
    system: System, tenant: Tenant
) -> None:
    """The guard is checked by `ossature_guard` with BEGIN, and alone at the end when no
    statement checked it: both raise SQLSTATE OS401 for a session that is not open."""
    begun = InvocationTransaction(system.db.pool, tenant.tenant_id, guard=new_id())
    never_begun = InvocationTransaction(system.db.pool, tenant.tenant_id, guard=new_id())
    # when
    with pytest.raises(asyncpg.PostgresError) as at_begin:
        await begun.conn()
    with pytest.raises(asyncpg.PostgresError) as at_the_end:
        await never_begun.end(failed=False)
    # then
    assert (SESSION_ENDED, SESSION_ENDED) == (at_begin.value.sqlstate, at_the_end.value.sqlstate)

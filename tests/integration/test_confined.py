"""One statement confined to a tenant: alone as an invocation's first work, else inside its
transaction."""

from __future__ import annotations

from ossature.kernel.database import InvocationDatabase, InvocationTransaction
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant

_GUARD = "select 1"
_TENANT = "select current_setting('app.tenant_id', true)"


async def test_a_confined_statement_runs_alone_before_the_transaction_begins_and_in_it_after(
    system: System, tenant: Tenant
) -> None:
    """First: a connection out of any transaction, with the guard to run. Once the
    invocation's transaction has begun: that transaction, the guard already run. For
    another tenant: the transaction, switched to that tenant for the block only."""
    other = await make_tenant(system)
    transaction = InvocationTransaction(system.db.pool, tenant.tenant_id, guard=_GUARD)
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

    assert (False, _GUARD, tenant.tenant_id) == alone
    assert (True, "", tenant.tenant_id) == inside
    assert ("", other.tenant_id) == elsewhere
    assert tenant.tenant_id == after

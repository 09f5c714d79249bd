"""The door for one statement (`Database.call`): alone as an invocation's first work, else in
its transaction; confined to the tenant and the guard checked either way."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from ossature.kernel.database import InvocationDatabase, InvocationTransaction
from ossature.kernel.ids import new_id
from ossature.modules.identity.projections import CREDENTIAL_ENDED
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant, open_session

# A function of the shape of every module's one-statement function (its first parameter the
# tenant `ossature_confine` made) that says what its statement sees: the tenant, and the
# transaction it runs in.
_SEEN = """
create function door_seen(p_tenant ossature_confined)
returns table (tenant text, xact xid8) language sql as $$
    select current_setting('app.tenant_id', true), pg_current_xact_id()
$$
"""


@pytest.fixture
async def seen(system: System) -> AsyncIterator[str]:
    owner = await asyncpg.connect(system.owner_url)
    try:
        await owner.execute(_SEEN)
        yield "door_seen"
    finally:
        await owner.execute("drop function door_seen(ossature_confined)")
        await owner.close()


async def test_a_call_runs_alone_before_the_transaction_begins_and_in_it_after(
    system: System, tenant: Tenant, seen: str
) -> None:
    """First: a transaction of its own, confined to the tenant. Once the invocation's
    transaction has begun: that transaction. For another tenant: that transaction, switched
    to the other tenant for the statement only."""
    other = await make_tenant(system)
    guard = await open_session(system, tenant.tenant_id)
    transaction = InvocationTransaction(system.db.pool, tenant.tenant_id, guard=guard)
    view = InvocationDatabase(system.db.pool, transaction)
    try:
        [first] = await view.call(tenant.tenant_id, seen)
        async with view.connection() as conn:  # the invocation's transaction begins
            xact = await conn.fetchval("select pg_current_xact_id()")
        [then] = await view.call(tenant.tenant_id, seen)
        [elsewhere] = await view.call(other.tenant_id, seen)
        async with view.connection() as conn:
            after = await conn.fetchval("select current_setting('app.tenant_id', true)")
    finally:
        await transaction.end(failed=False)

    assert tenant.tenant_id == first["tenant"] and xact != first["xact"]
    assert (tenant.tenant_id, xact) == tuple(then)
    assert (other.tenant_id, xact) == tuple(elsewhere)
    assert tenant.tenant_id == after


async def test_a_call_alone_checks_the_guard_before_the_function_runs(
    system: System, tenant: Tenant, seen: str
) -> None:
    """The door's statement checks the invocation's guard with `ossature_confine`: a guard
    naming no open session is refused (SQLSTATE OS401) whatever the function does."""
    transaction = InvocationTransaction(system.db.pool, tenant.tenant_id, guard=new_id())
    view = InvocationDatabase(system.db.pool, transaction)
    # when
    with pytest.raises(asyncpg.PostgresError) as refused:
        await view.call(tenant.tenant_id, seen)
    # then
    assert CREDENTIAL_ENDED == refused.value.sqlstate


async def test_a_function_name_that_is_not_a_plain_name_is_refused(system: System) -> None:
    """The door puts the function's name in the statement's text: only a plain name goes."""
    with pytest.raises(ValueError, match="not the name of an SQL function"):
        await system.db.call(None, "projects_list(); drop table events; --")


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
    assert (CREDENTIAL_ENDED, CREDENTIAL_ENDED) == (
        at_begin.value.sqlstate,
        at_the_end.value.sqlstate,
    )

"""The invocation's guard names a credential (decision 49): a session, a personal access
token or an API key, each checked by `ossature_guard` with the same one statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from ossature.kernel.database import InvocationTransaction
from ossature.kernel.ids import new_id
from ossature.modules.identity.projections import CREDENTIAL_ENDED
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant

KINDS = ("session", "personal-access-token", "api-key")


async def _credential(tenant: Tenant, kind: str, expires_in: timedelta) -> str:
    credential_id = new_id()
    async with tenant.system.db.transaction(tenant.tenant_id) as conn:
        await conn.execute(
            "insert into credentials (tenant_id, credential_id, account_id, expires_at, kind)"
            " values ($1, $2, $3, $4, $5)",
            tenant.tenant_id,
            credential_id,
            new_id(),
            datetime.now(UTC) + expires_in,
            kind,
        )
    return credential_id


async def _guarded(system: System, tenant: Tenant, guard: str) -> str | None:
    """The SQLSTATE a transaction guarded by `guard` is refused with at BEGIN, or None."""
    transaction = InvocationTransaction(system.db.pool, tenant.tenant_id, guard=guard)
    try:
        await transaction.conn()
    except asyncpg.PostgresError as error:
        return str(error.sqlstate)
    await transaction.end(failed=False)
    return None


@pytest.mark.parametrize("kind", KINDS)
async def test_a_live_credential_of_each_kind_passes_the_guard(
    system: System, tenant: Tenant, kind: str
) -> None:
    live = await _credential(tenant, kind, timedelta(hours=1))
    assert await _guarded(system, tenant, live) is None


@pytest.mark.parametrize("kind", KINDS)
async def test_an_ended_or_expired_credential_of_each_kind_is_refused(
    system: System, tenant: Tenant, kind: str
) -> None:
    """Ending (log-out, revocation) and expiry stop every kind of credential at once."""
    ended = await _credential(tenant, kind, timedelta(hours=1))
    expired = await _credential(tenant, kind, timedelta(seconds=-1))
    async with system.db.transaction(tenant.tenant_id) as conn:
        await conn.execute(
            "update credentials set ended_at = now() where credential_id = $1", ended
        )
    # then
    refusals = (await _guarded(system, tenant, ended), await _guarded(system, tenant, expired))
    assert (CREDENTIAL_ENDED, CREDENTIAL_ENDED) == refusals


async def test_a_credential_of_another_tenant_is_refused(system: System, tenant: Tenant) -> None:
    """Row-level security confines the guard's lookup to the invocation's tenant."""
    other = await make_tenant(system)
    elsewhere = await _credential(other, "personal-access-token", timedelta(hours=1))
    assert CREDENTIAL_ENDED == await _guarded(system, tenant, elsewhere)


async def test_the_sessions_view_shows_and_takes_the_session_credentials_only(
    system: System, tenant: Tenant
) -> None:
    """Code written against `sessions` (before credentials) still reads and writes them."""
    token = await _credential(tenant, "personal-access-token", timedelta(hours=1))
    session = await _credential(tenant, "session", timedelta(hours=1))
    inserted = new_id()
    async with system.db.transaction(tenant.tenant_id) as conn:
        await conn.execute(
            "insert into sessions (tenant_id, session_id, account_id, expires_at)"
            " values ($1, $2, $3, now() + interval '1 hour')",
            tenant.tenant_id,
            inserted,
            new_id(),
        )
        seen = {r[0] for r in await conn.fetch("select session_id from sessions")}
        kind = await conn.fetchval(
            "select kind from credentials where credential_id = $1", inserted
        )
    assert (True, False, "session") == (session in seen, token in seen, kind)

"""user-logged-in says whether it is the account's first log-in, from the accounts table."""

from __future__ import annotations

from ossature.kernel.context import Context
from ossature.kernel.eventstore import EventStore
from ossature.kernel.ids import new_id
from ossature.modules.identity.commands.log_in import UserLoggedIn
from ossature.runtime.application import Application
from ossature.runtime.contexts import new_trace
from ossature.runtime.system import System
from tests.integration.support import Tenant

# pragma: allowlist nextline secret: a test account's password, made for this test
PASSWORD = "first-log-in-password"


async def _log_in(system: System, slug: str, email: str) -> str:
    assert system.pipeline is not None
    payload = {"tenant": slug, "email": email, "password": PASSWORD}
    result = await system.pipeline.invoke(
        "command", "log-in", payload, Context(access=None, trace=new_trace())
    )
    assert 200 == result.status, result.error and result.error.key
    return str(result.body["sessionId"])


async def _logged_in(system: System, tenant: Tenant, session_id: str) -> UserLoggedIn:
    assert system.db is not None
    store = EventStore(Application.of().event_types)
    async with system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        event = (await store.load(conn, session_id)).events[0]
    assert isinstance(event, UserLoggedIn)
    return event


async def test_only_the_first_log_in_of_an_account_says_so(system: System, tenant: Tenant) -> None:
    assert system.db is not None
    email = f"first-{new_id().lower()}@example.test"
    body = {"email": email, "displayName": "First", "password": PASSWORD}
    await tenant.command("admin", "register-account", body)
    async with system.db.transaction(None, readonly=True) as conn:
        slug = await conn.fetchval(
            "select slug from tenants where tenant_id = $1", tenant.tenant_id
        )

    first = await _log_in(system, slug, email)
    second = await _log_in(system, slug, email)

    flags = [(await _logged_in(system, tenant, s)).first_log_in for s in (first, second)]
    assert [True, False] == flags

"""A tenant's entry point (`<slug>.<root domain>`, decision 54) on the real engines."""

from __future__ import annotations

import msgspec

from ossature.kernel.context import Context, Provenance
from ossature.kernel.ids import new_id
from ossature.runtime.contexts import new_trace
from ossature.runtime.pipeline import Result
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant

PASSWORD = "an entry point password"  # pragma: allowlist secret: a test account's password


async def _slug(system: System, tenant: Tenant) -> str:
    assert system.db is not None
    async with system.db.transaction(None, readonly=True) as conn:
        return str(
            await conn.fetchval("select slug from tenants where tenant_id = $1", tenant.tenant_id)
        )


def _at(entry: str | None, ctx: Context | None = None) -> Context:
    """A context of a request that reached `entry`'s host (anonymous unless `ctx`)."""
    base = ctx or Context(access=None, trace=new_trace())
    return msgspec.structs.replace(base, provenance=Provenance(entry_point=entry))


async def _log_in(system: System, body: dict[str, str], entry: str | None) -> Result:
    assert system.pipeline is not None
    return await system.pipeline.invoke("command", "log-in", body, _at(entry))


async def test_at_its_entry_point_a_log_in_may_omit_the_tenant(
    system: System, tenant: Tenant
) -> None:
    """Omitted: the entry point's tenant; omitted elsewhere: the platform's, which holds no such
    account (401); another tenant named: 403."""
    email = f"{new_id().lower()}@example.test"
    account = {"email": email, "displayName": "Entry", "password": PASSWORD}
    await tenant.command("seeder", "register-account", account)
    slug = await _slug(system, tenant)
    body = {"email": email, "password": PASSWORD}

    at_entry = await _log_in(system, body, slug)
    nowhere = await _log_in(system, body, None)
    elsewhere = await _log_in(system, {**body, "tenant": "another-one"}, slug)

    assert (200, 401, "identity.invalid-credentials", 403, "tenancy.wrong-entry-point") == (
        at_entry.status,
        nowhere.status,
        nowhere.error and nowhere.error.key,
        elsewhere.status,
        elsewhere.error and elsewhere.error.key,
    )


async def test_a_token_of_another_tenant_is_refused_at_an_entry_point(
    system: System, tenant: Tenant
) -> None:
    """Its own entry point admits it; another tenant's answers 403; an unknown one 404."""
    assert system.pipeline is not None
    other = await make_tenant(system)
    mine, theirs = await _slug(system, tenant), await _slug(system, other)
    actor = msgspec.structs.replace(tenant.actors["admin"], mechanism="personal-access-token")
    ctx = tenant.ctx("admin").acting_as(actor)

    answers = [
        await system.pipeline.invoke("query", "list-folders", {}, _at(entry, ctx))
        for entry in (mine, theirs, f"nobody-{new_id().lower()}")
    ]

    assert [200, (403, "tenancy.wrong-entry-point"), (404, "tenancy.unknown-entry-point")] == [
        answers[0].status,
        *[(a.status, a.error and a.error.key) for a in answers[1:]],
    ]


async def test_a_public_command_naming_another_tenant_is_refused_at_an_entry_point(
    system: System, tenant: Tenant
) -> None:
    """request-password-reset for tenant A at tenant B's host: 403, nothing requested."""
    assert system.pipeline is not None
    other = await make_tenant(system)
    body = {"tenant": await _slug(system, tenant), "email": "someone@example.test"}
    ctx = _at(await _slug(system, other))

    refused = await system.pipeline.invoke("command", "request-password-reset", body, ctx)

    assert (403, "tenancy.wrong-entry-point") == (
        refused.status,
        refused.error and refused.error.key,
    )

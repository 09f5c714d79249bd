"""Plans, modules and features per tenant on the real engines: the gate and what sets it."""

from __future__ import annotations

from typing import Any

from ossature.modules.tenancy.subscription import Subscriptions
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant, operate

DAYS = {"from": "2026-01-01", "to": "2026-01-07"}
SOURCE = {"name": "crm", "kind": "sqlite", "location": "/tmp/crm.db", "schedule": "daily"}


async def _operator(system: System, name: str, payload: dict[str, Any]) -> tuple[int, str | None]:
    assert system.pipeline is not None
    result = await system.pipeline.invoke("command", name, payload, internal_context(OPERATOR))
    return result.status, result.error.key if result.error else None


async def _refusal(tenant: Tenant, kind: str, name: str, payload: dict[str, Any]) -> Any:
    result = await tenant.invoke("admin", kind, name, payload)  # type: ignore[arg-type]
    key = result.error.key if result.error else None
    params = dict(result.error.params) if result.error else {}
    return result.status, key, params


async def _row(system: System, tenant_id: str) -> dict[str, Any] | None:
    assert system.db is not None
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        row = await conn.fetchrow(
            "select plan, enabled, disabled, features::text as features, version"
            " from tenant_subscriptions"
        )
    return None if row is None else dict(row)


async def test_a_tenant_without_the_module_is_refused_its_commands_and_queries(
    system: System,
) -> None:
    """starter has no analytics: its queries and commands answer 403 module-disabled."""
    tenant = await make_tenant(system, plan="starter")

    query = await _refusal(tenant, "query", "count-logins-per-day", DAYS)
    command = await _refusal(tenant, "command", "configure-login-source", SOURCE)

    refused = (403, "tenancy.module-disabled", {"module": "analytics"})
    assert (refused, refused) == (query, command)


async def test_a_tenant_with_no_plan_is_on_the_default_plan(system: System) -> None:
    """No plan set: the catalog's default (starter), so projects but no analytics."""
    tenant = await make_tenant(system, plan=None)
    subscriptions = system.pipeline.services[Subscriptions]  # type: ignore[union-attr]
    assert isinstance(subscriptions, Subscriptions)

    subscription = await subscriptions.of(tenant.tenant_id)
    projects = await tenant.invoke("admin", "query", "list-projects", {})

    assert ("starter", frozenset({"projects"}), 200) == (
        subscription.plan.name,
        subscription.modules,
        projects.status,
    )


async def test_enabling_a_module_opens_it_at_once_and_disabling_closes_it(system: System) -> None:
    """enable-module beyond the plan, then disable-module even of the plan's own module."""
    tenant = await make_tenant(system, plan="starter")

    enabled = await operate(
        system, "enable-module", {"tenantId": tenant.tenant_id, "module": "analytics"}
    )
    opened = await tenant.invoke("admin", "query", "count-logins-per-day", DAYS)
    disabled = await operate(
        system, "disable-module", {"tenantId": tenant.tenant_id, "module": "projects"}
    )
    closed = await _refusal(tenant, "query", "list-projects", {})
    row = await _row(system, tenant.tenant_id)

    assert {"tenantId": tenant.tenant_id, "version": 2} == enabled
    assert {"tenantId": tenant.tenant_id, "version": 3} == disabled
    assert 200 == opened.status
    assert (403, "tenancy.module-disabled", {"module": "projects"}) == closed
    assert row is not None
    assert ("starter", ["analytics"], ["projects"], 3) == (
        row["plan"],
        row["enabled"],
        row["disabled"],
        row["version"],
    )


async def test_a_feature_off_refuses_what_needs_it_and_on_admits_it(system: System) -> None:
    """analytics.external-sources off for one tenant (over its plan's on): 403, then on again."""
    tenant = await make_tenant(system, plan="team")
    feature = {"tenantId": tenant.tenant_id, "feature": "analytics.external-sources"}

    await operate(system, "set-tenant-feature", {**feature, "value": False})
    off = await _refusal(tenant, "query", "list-login-sources", {})
    other = await tenant.invoke("admin", "query", "count-logins-per-day", DAYS)
    await operate(system, "set-tenant-feature", {**feature, "value": True})
    on = await tenant.invoke("admin", "query", "list-login-sources", {})

    refused = (403, "tenancy.feature-disabled", {"feature": "analytics.external-sources"})
    assert (refused, 200, 200) == (off, other.status, on.status)


async def test_the_operators_commands_refuse_what_is_not_in_the_table(system: System) -> None:
    """An unknown or platform module, an unknown feature, a value of another type, an unknown
    tenant: each refused with its key, and nothing is projected."""
    tenant = await make_tenant(system, plan=None)
    at = {"tenantId": tenant.tenant_id}
    feature = "analytics.external-sources"

    answers = [
        await _operator(system, "enable-module", {**at, "module": "payroll"}),
        await _operator(system, "disable-module", {**at, "module": "identity"}),
        await _operator(system, "set-tenant-feature", {**at, "feature": "x.y", "value": True}),
        await _operator(system, "set-tenant-feature", {**at, "feature": feature, "value": 1}),
        await _operator(system, "set-tenant-feature", {**at, "feature": feature, "value": "on"}),
        await _operator(system, "enable-module", {"tenantId": "nobody", "module": "analytics"}),
    ]

    assert [
        (422, "tenancy.unknown-module"),
        (422, "tenancy.unknown-module"),
        (422, "tenancy.unknown-feature"),
        (422, "tenancy.invalid-feature-value"),
        (422, "tenancy.invalid-feature-value"),
        (404, "tenancy.tenant-not-found"),
    ] == answers
    assert await _row(system, tenant.tenant_id) is None


async def test_a_tenant_admin_may_not_change_its_own_subscription(tenant: Tenant) -> None:
    """enable-module is the platform operator's: a tenant admin is refused 403."""
    result = await tenant.invoke(
        "admin", "command", "enable-module", {"tenantId": tenant.tenant_id, "module": "analytics"}
    )

    assert 403 == result.status


async def test_the_subscription_resolves_features_by_layer(system: System) -> None:
    """default ⊕ plan ⊕ the tenant's own, with the tenant's country."""
    tenant = await make_tenant(system, plan="starter")
    subscriptions = system.pipeline.services[Subscriptions]  # type: ignore[union-attr]
    assert isinstance(subscriptions, Subscriptions)
    feature = "analytics.external-sources"

    before = (await subscriptions.of(tenant.tenant_id)).features[feature]
    await operate(system, "set-tenant-plan", {"tenantId": tenant.tenant_id, "plan": "team"})
    by_plan = (await subscriptions.of(tenant.tenant_id)).features[feature]
    await operate(
        system,
        "set-tenant-feature",
        {"tenantId": tenant.tenant_id, "feature": feature, "value": False},
    )
    own = await subscriptions.of(tenant.tenant_id)

    assert (False, True, False, None) == (before, by_plan, own.features[feature], own.country)

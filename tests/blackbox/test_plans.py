"""Plans on a running system: modules and features per tenant, the gate, the back-office."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import httpx
import pytest

from ossature.kernel.config import Settings
from ossature.runtime.contexts import OPERATOR, internal_context, tenant_service
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.system import System as Running
from tests.blackbox._api import (
    System,
    Tenant,
    TokenFor,
    call,
    claims_of,
    eventually,
    log_in,
    new_ulid,
    problem_of,
)
from tests.external.environment import external_environment

DAYS = {"from": "2026-01-01", "to": "2026-01-07"}
SOURCE = {"name": "plans", "kind": "sqlite", "location": "plans.sqlite3", "schedule": "0 3 * * *"}


async def _made(settings: Settings, endpoints: Endpoints, slug: str, password: str) -> str:
    """A tenant (no plan set: the default) and its admin, made through the running system's
    pipeline as the seed makes the demo's; the tenant's id."""
    running = Running(settings, endpoints)
    await running.start(roles=())
    try:
        assert running.pipeline is not None
        pipeline = running.pipeline

        async def ok(actor: Any, name: str, payload: dict[str, Any]) -> dict[str, Any]:
            result = await pipeline.invoke("command", name, payload, internal_context(actor))
            assert 200 == result.status, (name, result.error and result.error.key)
            return dict(result.body)

        made = await ok(OPERATOR, "create-tenant", {"slug": slug, "displayName": slug})
        seeder = tenant_service(made["tenantId"], made["rootFolderId"])
        account = {"email": f"admin@{slug}.test", "displayName": "Admin", "password": password}
        admin = await ok(seeder, "register-account", account)
        role = {
            "accountId": admin["accountId"],
            "role": "tenant-admin",
            "folderId": made["rootFolderId"],
        }
        await ok(seeder, "assign-role", role)
        return str(made["tenantId"])
    finally:
        if running.audit is not None:
            await running.audit.flush()
        await running.stop()


def _fresh_tenant(system: System, slug: str) -> str:
    env = {**os.environ, "OSSATURE_VAR_DIR": str(system.var_dir), **external_environment()}
    settings = Settings.from_env(env)
    with engines(settings, attach=True) as endpoints:
        return asyncio.run(_made(settings, endpoints, slug, system.password))


@pytest.fixture(scope="module")
async def fresh(system: System, http: httpx.AsyncClient) -> tuple[str, str]:
    """A tenant made for this module, on the default plan (starter): its id and admin's token."""
    slug = f"plans-{new_ulid().lower()[-10:]}"
    tenant_id = await asyncio.to_thread(_fresh_tenant, system, slug)
    return tenant_id, await log_in(http, f"admin@{slug}.test", system.password)


async def test_globex_is_refused_analytics_while_acme_runs_it(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """globex (starter) has no analytics: a query and a command answer 403; acme (team) runs
    the same query."""
    globex = await token_for("admin@globex")
    acme = await token_for("admin@acme")

    query = await call(http, "queries/count-logins-per-day", DAYS, globex)
    command = await call(http, "commands/configure-login-source", SOURCE, globex)
    ran = await call(http, "queries/count-logins-per-day", DAYS, acme)

    refused = (403, "tenancy.module-disabled")
    assert (refused, refused, 200) == (problem_of(query), problem_of(command), ran.status_code)
    assert {"module": "analytics"} == query.json()["messageParams"]


async def test_an_operator_enables_analytics_and_sets_its_feature_for_a_fresh_tenant(
    http: httpx.AsyncClient, token_for: TokenFor, fresh: tuple[str, str]
) -> None:
    """Refused, then enabled by the operator: its admin counts logins; login sources need
    the feature, off by default on starter: refused until the operator turns it on."""
    tenant_id, admin = fresh
    operator = await token_for("operator@platform")

    before = await call(http, "queries/count-logins-per-day", DAYS, admin)
    enabled = await call(
        http, "commands/enable-module", {"tenantId": tenant_id, "module": "analytics"}, operator
    )
    after = await eventually(
        lambda: call(http, "queries/count-logins-per-day", DAYS, admin),
        lambda answer: answer.status_code == 200,
    )
    sources_off = await call(http, "queries/list-login-sources", {}, admin)
    feature = {"tenantId": tenant_id, "feature": "analytics.external-sources", "value": True}
    turned_on = await call(http, "commands/set-tenant-feature", feature, operator)
    sources_on = await eventually(
        lambda: call(http, "queries/list-login-sources", {}, admin),
        lambda answer: answer.status_code == 200,
    )

    assert (403, "tenancy.module-disabled") == problem_of(before)
    assert (200, 200) == (enabled.status_code, after.status_code), enabled.text
    assert (403, "tenancy.feature-disabled") == problem_of(sources_off)
    assert (200, 200) == (turned_on.status_code, sources_on.status_code)


async def test_the_operator_lists_and_reads_tenants_and_a_tenant_admin_may_not(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, globex: Tenant
) -> None:
    """The demo's tenants on their plans, countries and regions; 403 to acme's admin."""
    operator = await token_for("operator@platform")
    admin = await token_for("admin@acme")

    listed = await call(http, "queries/list-tenants", {"limit": 200}, operator)
    got = await call(http, "queries/get-tenant", {"tenantId": acme.tenant_id}, operator)
    refused = [
        await call(http, "queries/list-tenants", {}, admin),
        await call(http, "queries/get-tenant", {"tenantId": acme.tenant_id}, admin),
    ]

    rows = {t["slug"]: t for t in listed.json()["tenants"]}
    # acme is seeded on team; `ossature bench` (test_bench) moves it to enterprise, no quota
    assert (True, "FR", ["analytics", "projects"]) == (
        rows["acme"]["plan"] in ("team", "enterprise"),
        rows["acme"]["country"],
        rows["acme"]["modules"],
    )
    assert ("starter", "US", 2000) == (
        rows["globex"]["plan"],
        rows["globex"]["country"],
        rows["globex"]["quota"],
    )
    assert "platform" not in rows
    assert ("eu", "us") == (rows["acme"]["region"], rows["globex"]["region"])
    body = got.json()
    assert ("acme", "eu", {"analytics": True, "projects": True}) == (
        body["slug"],
        body["region"],
        body["modules"],
    )
    assert body["cycle"] is not None
    assert [403, 403] == [r.status_code for r in refused]


async def test_the_operator_logs_in_naming_no_tenant(
    http: httpx.AsyncClient, system: System, token_for: TokenFor
) -> None:
    """operator@platform.test logs in with email and password alone, to the platform tenant."""
    body = {"email": "operator@platform.test", "password": system.password}

    logged = await call(http, "commands/log-in", body)

    named = claims_of(await token_for("operator@platform"))
    assert 200 == logged.status_code, logged.text
    assert named["tid"] == claims_of(logged.json()["accessToken"])["tid"]

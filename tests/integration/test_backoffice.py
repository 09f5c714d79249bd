"""The back-office on the real engines: operators list and read customer tenants; nobody
else does; operators log in to the platform's tenant without naming it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from ossature.kernel.context import Context
from ossature.kernel.ids import new_id
from ossature.modules.tenancy.perimeter import PLATFORM_TENANT
from ossature.runtime.contexts import OPERATOR, internal_context, new_trace
from ossature.runtime.operators import create_operator, platform_tenant
from ossature.runtime.pipeline import Kind, Result
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant, operate

PASSWORD = "an operator's long password"  # pragma: allowlist secret


async def _as_operator(system: System, kind: Kind, name: str, payload: Any) -> Result:
    assert system.pipeline is not None
    return await system.pipeline.invoke(kind, name, payload, internal_context(OPERATOR))


async def _listed(system: System, payload: dict[str, Any]) -> dict[str, Any]:
    result = await _as_operator(system, "query", "list-tenants", payload)
    assert 200 == result.status, result.error and result.error.key
    return dict(result.body)


async def _investigations(tenant: Tenant, count: int) -> list[str]:
    """`count` open investigations of the tenant, written as its projection would, newest
    last; their ids."""
    assert tenant.system.db is not None
    ids, start = [], datetime.now(UTC)
    async with tenant.system.db.transaction(tenant.tenant_id) as conn:
        for n in range(count):
            ids.append(new_id())
            await conn.execute(
                "insert into investigations (tenant_id, investigation_id, reporter_id,"
                " invocation_id, invocation_name, description, reported_at, retry, status,"
                " version) values ($1, $2, 'someone', $3, 'create-project', '', $4, 'none',"
                " 'open', 1)",
                tenant.tenant_id,
                ids[-1],
                new_id(),
                start + timedelta(seconds=n),
            )
    return ids


async def test_list_tenants_shows_plan_modules_and_usage(system: System) -> None:
    """A tenant on team, with projects disabled: its plan, effective modules, usage, quota."""
    tenant = await make_tenant(system, plan="team")
    await operate(system, "disable-module", {"tenantId": tenant.tenant_id, "module": "projects"})
    slug = await _slug(system, tenant.tenant_id)

    listed = await _listed(system, {"text": slug})

    assert {
        "tenants": [
            {
                "tenantId": tenant.tenant_id,
                "slug": slug,
                "displayName": slug,
                "country": None,
                "region": "eu",
                "plan": "team",
                "modules": ["analytics"],
                "usedThisCycle": 0,
                "quota": 50000,
            }
        ],
        "next": None,
    } == listed


async def test_list_tenants_pages_by_slug_and_never_lists_the_platform(system: System) -> None:
    """Three tenants sharing a word, two a page; the platform's own tenant is not listed."""
    await platform_tenant(system.pipeline)  # type: ignore[arg-type]
    word = new_id().lower()[-10:]
    for n in range(3):
        made = await _as_operator(
            system, "command", "create-tenant", {"slug": f"bo-{word}-{n}", "displayName": "B"}
        )
        assert 200 == made.status

    first = await _listed(system, {"text": word, "limit": 2})
    second = await _listed(system, {"text": word, "limit": 2, "after": first["next"]})
    platform = await _listed(system, {"text": PLATFORM_TENANT})

    assert [f"bo-{word}-0", f"bo-{word}-1"] == [t["slug"] for t in first["tenants"]]
    assert ([f"bo-{word}-2"], None) == ([t["slug"] for t in second["tenants"]], second["next"])
    assert [] == [t for t in platform["tenants"] if t["slug"] == PLATFORM_TENANT]


async def test_get_tenant_shows_subscription_cycle_and_open_investigations(
    system: System,
) -> None:
    """Modules each on or off, every feature's value, the open cycle, and the five newest of
    its six open investigations."""
    tenant = await make_tenant(system, plan="starter")
    await operate(system, "enable-module", {"tenantId": tenant.tenant_id, "module": "analytics"})
    ids = await _investigations(tenant, 6)

    got = await _as_operator(system, "query", "get-tenant", {"tenantId": tenant.tenant_id})

    body = dict(got.body)
    assert 200 == got.status, got.error and got.error.key
    assert ("starter", {"analytics": True, "projects": True}) == (body["plan"], body["modules"])
    assert {"analytics.external-sources": False} == body["features"]
    assert (0, 2000) == (body["cycle"]["used"], body["cycle"]["quota"])
    assert body["cycle"]["startsAt"] < body["cycle"]["endsAt"]
    assert 6 == body["openInvestigations"]
    assert ids[::-1][:5] == [i["investigationId"] for i in body["investigations"]]


async def test_get_tenant_of_no_customer_tenant_is_404(system: System) -> None:
    """An unknown tenant, and the platform's own, are not found."""
    platform_id, _ = await platform_tenant(system.pipeline)  # type: ignore[arg-type]

    answers = [
        await _as_operator(system, "query", "get-tenant", {"tenantId": tenant_id})
        for tenant_id in ("nobody", platform_id)
    ]

    assert [(404, "tenancy.tenant-not-found")] * 2 == [
        (a.status, a.error and a.error.key) for a in answers
    ]


async def test_a_tenant_admin_may_not_read_the_back_office(tenant: Tenant) -> None:
    """list-tenants and get-tenant are the platform operator's: 403 to a tenant admin."""
    listed = await tenant.invoke("admin", "query", "list-tenants", {})
    got = await tenant.invoke("admin", "query", "get-tenant", {"tenantId": tenant.tenant_id})

    assert (403, 403) == (listed.status, got.status)


async def test_an_operator_logs_in_naming_no_tenant(system: System) -> None:
    """log-in without a tenant, outside any entry point, is the platform tenant's; the
    account holds the platform-operator role there only."""
    assert system.pipeline is not None
    email = f"ops-{new_id().lower()}@platform.test"
    await create_operator(system.pipeline, email, "Ops", PASSWORD)
    platform_id, _ = await platform_tenant(system.pipeline)

    anonymous = Context(access=None, trace=new_trace())
    body = {"email": email, "password": PASSWORD}
    answer = await system.pipeline.invoke("command", "log-in", body, anonymous)

    assert 200 == answer.status, answer.error and answer.error.key
    claims = jwt.decode(answer.body["accessToken"], options={"verify_signature": False})
    assert (platform_id, ["platform-operator"]) == (
        claims["tid"],
        [grant["role"] for grant in claims["roles"]],
    )


async def _slug(system: System, tenant_id: str) -> str:
    assert system.db is not None
    async with system.db.transaction(None, readonly=True) as conn:
        return str(await conn.fetchval("select slug from tenants where tenant_id = $1", tenant_id))

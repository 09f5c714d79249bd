"""A tenant's region on the real engines: the one create-tenant names, else the deployment's
default; listed and read in the back-office; a tag that is not one refused."""

from __future__ import annotations

from typing import Any

from ossature.kernel.ids import new_id
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.pipeline import Kind, Result
from ossature.runtime.system import System


async def _as_operator(system: System, kind: Kind, name: str, payload: Any) -> Result:
    assert system.pipeline is not None
    return await system.pipeline.invoke(kind, name, payload, internal_context(OPERATOR))


async def _created(system: System, **fields: str) -> Result:
    slug = f"r-{new_id().lower()[-12:]}"
    return await _as_operator(
        system, "command", "create-tenant", {"slug": slug, "displayName": slug, **fields}
    )


async def _regions_shown(system: System, tenant_id: str, slug: str) -> tuple[str, str]:
    listed = await _as_operator(system, "query", "list-tenants", {"text": slug})
    got = await _as_operator(system, "query", "get-tenant", {"tenantId": tenant_id})
    (row,) = listed.body["tenants"]
    return row["region"], got.body["region"]


async def test_a_tenant_is_in_the_region_it_was_created_in(system: System) -> None:
    made = await _created(system, region="us-east")
    tenant_id = made.body["tenantId"]
    got = await _as_operator(system, "query", "get-tenant", {"tenantId": tenant_id})

    assert "us-east" == made.body["region"]
    assert ("us-east", "us-east") == await _regions_shown(system, tenant_id, got.body["slug"])


async def test_a_tenant_created_naming_no_region_is_in_the_default(system: System) -> None:
    """The test system sets no OSSATURE_DEFAULT_REGION: eu."""
    made = await _created(system)
    tenant_id = made.body["tenantId"]
    got = await _as_operator(system, "query", "get-tenant", {"tenantId": tenant_id})

    assert "eu" == made.body["region"]
    assert ("eu", "eu") == await _regions_shown(system, tenant_id, got.body["slug"])


async def test_a_region_that_is_no_tag_is_refused(system: System) -> None:
    refusals = [await _created(system, region=bad) for bad in ("EU", "e", "eu_west", "eu-")]

    assert [422] * 4 == [refused.status for refused in refusals]

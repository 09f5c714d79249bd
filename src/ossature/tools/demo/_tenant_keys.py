"""The demo's tenant keys step: the operator reads acme's and globex's regions, rotates acme's
key and sees its version go up, and a repeat of the same call rotates nothing (decisions 90,
91)."""

from __future__ import annotations

from ossature.sdk import new_ulid
from ossature.tools.demo._support import OTHER_TENANT, TENANT, Demo, check

__all__ = ["tenant_key_rotated"]

PLATFORM, OPERATOR = "platform", "operator@platform.test"


async def tenant_key_rotated(demo: Demo) -> str:
    operator = await demo.client.as_user(PLATFORM, OPERATOR, demo.password)
    tenants = {t["slug"]: t for t in (await operator.list_tenants(limit=200))["tenants"]}
    regions = {slug: tenants[slug]["region"] for slug in (TENANT, OTHER_TENANT)}
    check(regions == {TENANT: "eu", OTHER_TENANT: "us"}, f"regions: {regions}")
    acme = tenants[TENANT]["tenantId"]
    before = (await operator.get_tenant(acme))["keyVersion"]
    key = new_ulid()
    rotated = await operator.rotate_tenant_key(acme, idempotency_key=key)
    repeated = await operator.rotate_tenant_key(acme, idempotency_key=key)
    after = (await operator.get_tenant(acme))["keyVersion"]
    check(rotated["version"] == (before or 1) + 1 == after, f"{before} → {rotated}, {after}")
    check(repeated["version"] == rotated["version"], f"the repeat rotated again: {repeated}")
    return (
        f"acme in {regions[TENANT]}, globex in {regions[OTHER_TENANT]}; acme's key version"
        f" {before} → {after}, {rotated['rewrapped']} data keys re-wrapped; the repeat: the same"
    )

"""The demo's tenant keys step: the operator reads acme's and globex's regions, rotates acme's
key and sees its version go up, and a repeat of the same call rotates nothing (decisions 90,
91)."""

from __future__ import annotations

import re

from ossature.sdk import new_ulid
from ossature.tools.demo._support import OTHER_TENANT, TENANT, Demo, check

__all__ = ["tenant_key_rotated"]

PLATFORM, OPERATOR = "platform", "operator@platform.test"
_TAG = re.compile(r"[a-z]{2}(-[a-z0-9]{1,16}){0,2}")  # the tags create-tenant accepts


async def tenant_key_rotated(demo: Demo) -> str:
    operator = await demo.client.as_user(PLATFORM, OPERATOR, demo.password)
    tenants = {t["slug"]: t for t in (await operator.list_tenants(limit=200))["tenants"]}
    regions = {slug: tenants[slug]["region"] for slug in (TENANT, OTHER_TENANT)}
    untagged = {slug: t["region"] for slug, t in tenants.items() if not _TAG.fullmatch(t["region"])}
    check(not untagged, f"tenants without a region tag: {untagged}")
    # globex is seeded in us; one seeded before regions existed is in the first region, eu
    check(regions[TENANT] == "eu" and regions[OTHER_TENANT] in {"us", "eu"}, f"{regions}")
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

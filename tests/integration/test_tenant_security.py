"""The tenant security policy on the real engines: set, read back, refused, confined."""

from __future__ import annotations

import msgspec

from ossature.kernel.context import Context, Provenance
from ossature.runtime.contexts import new_trace
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant


def _from(tenant: Tenant, who: str, address: str) -> Context:
    """The context of `who` calling from `address` (as the gateway would set it), not as the
    system itself: the perimeter applies to it."""
    ctx = tenant.ctx(who)
    actor = msgspec.structs.replace(ctx.access, mechanism="personal-access-token")
    return msgspec.structs.replace(ctx, access=actor, provenance=Provenance(client_ip=address))


async def _policy(tenant: Tenant, who: str = "admin") -> dict[str, object]:
    result = await tenant.invoke(who, "query", "get-tenant-security-policy", {})
    assert 200 == result.status, result.error and result.error.key
    return dict(result.body)


async def test_a_policy_set_is_read_back_at_once(tenant: Tenant) -> None:
    """The read model is projected inline: the next invocation sees the policy."""
    before = await _policy(tenant)
    answer = await tenant.command(
        "admin",
        "set-tenant-security-policy",
        {"requireMfa": True, "allowedIpRanges": ["10.0.0.0/8", "192.0.2.7"]},
    )
    after = await _policy(tenant)

    expected = {"requireMfa": True, "allowedIpRanges": ["10.0.0.0/8", "192.0.2.7/32"], "version": 1}
    assert ({"requireMfa": False, "allowedIpRanges": [], "version": 0}, expected, expected) == (
        before,
        answer,
        after,
    )


async def test_a_policy_is_the_tenants_own(system: System, tenant: Tenant) -> None:
    """Another tenant's policy is untouched and unread."""
    other = await make_tenant(system)
    await tenant.command("admin", "set-tenant-security-policy", {"requireMfa": True})

    assert {"requireMfa": False, "allowedIpRanges": [], "version": 0} == await _policy(other)


async def test_only_a_tenant_admin_may_set_or_read_it(tenant: Tenant) -> None:
    payload = {"requireMfa": True}
    setting = await tenant.invoke("editor", "command", "set-tenant-security-policy", payload)
    reading = await tenant.invoke("editor", "query", "get-tenant-security-policy", {})

    assert (403, 403) == (setting.status, reading.status)


async def test_a_bad_range_is_refused_by_name_and_changes_nothing(tenant: Tenant) -> None:
    payload = {"requireMfa": True, "allowedIpRanges": ["10.0.0.0/8", "10.0.0.1/8"]}
    result = await tenant.invoke("admin", "command", "set-tenant-security-policy", payload)

    assert result.error is not None
    actual = (
        result.status,
        result.error.key,
        result.error.params,
        (await _policy(tenant))["version"],
    )
    assert (422, "tenancy.invalid-ip-range", {"range": "10.0.0.1/8"}, 0) == actual


async def test_ranges_that_would_lock_the_caller_out_are_refused(
    system: System, tenant: Tenant
) -> None:
    """The administrator calling from 192.0.2.1 cannot allow only 10.0.0.0/8."""
    assert system.pipeline is not None
    payload = {"requireMfa": False, "allowedIpRanges": ["10.0.0.0/8"]}
    ctx = _from(tenant, "admin", "192.0.2.1")
    refused = await system.pipeline.invoke("command", "set-tenant-security-policy", payload, ctx)
    allowed = await system.pipeline.invoke(
        "command",
        "set-tenant-security-policy",
        {**payload, "allowedIpRanges": ["192.0.2.0/24"]},
        _from(tenant, "admin", "192.0.2.1"),
    )

    assert refused.error is not None
    assert (422, "tenancy.policy-excludes-caller", 200) == (
        refused.status,
        refused.error.key,
        allowed.status,
    )


async def test_outside_its_ranges_a_tenants_invocations_are_refused_and_audited(
    system: System, tenant: Tenant
) -> None:
    """Inside passes; outside is 403 before the handler, with an entry in the tenant's audit;
    the system's own invocations (no address) are not confined."""
    assert system.pipeline is not None and system.db is not None
    ranges = {"requireMfa": False, "allowedIpRanges": ["192.0.2.0/24"]}
    await system.pipeline.invoke(
        "command", "set-tenant-security-policy", ranges, _from(tenant, "admin", "192.0.2.1")
    )
    inside = await system.pipeline.invoke(
        "query", "list-folders", {}, _from(tenant, "viewer", "192.0.2.200")
    )
    outside = await system.pipeline.invoke(
        "query", "list-folders", {}, _from(tenant, "viewer", "198.51.100.7")
    )
    internal = await tenant.invoke("viewer", "query", "list-folders", {})
    async with system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        audited = await conn.fetchval(
            "select count(*) from audit_entries where message_key = 'tenancy.ip-not-allowed'"
        )

    assert outside.error is not None
    assert (200, 403, "tenancy.ip-not-allowed", 200, 1) == (
        inside.status,
        outside.status,
        outside.error.key,
        internal.status,
        audited,
    )


async def test_outside_its_ranges_a_public_command_naming_the_tenant_is_refused(
    system: System, tenant: Tenant
) -> None:
    """request-password-reset names its tenant: outside the ranges it is 403, inside 200."""
    assert system.pipeline is not None and system.db is not None
    ranges = {"requireMfa": False, "allowedIpRanges": ["192.0.2.0/24"]}
    await system.pipeline.invoke(
        "command", "set-tenant-security-policy", ranges, _from(tenant, "admin", "192.0.2.1")
    )
    async with system.db.transaction(None, readonly=True) as conn:
        slug = await conn.fetchval(
            "select slug from tenants where tenant_id = $1", tenant.tenant_id
        )
    body = {"tenant": slug, "email": "someone@example.test"}

    def anonymous(address: str) -> Context:
        return Context(access=None, provenance=Provenance(client_ip=address), trace=new_trace())

    outside = await system.pipeline.invoke(
        "command", "request-password-reset", body, anonymous("198.51.100.7")
    )
    inside = await system.pipeline.invoke(
        "command", "request-password-reset", body, anonymous("192.0.2.9")
    )

    assert (403, "tenancy.ip-not-allowed", 200) == (
        outside.status,
        outside.error and outside.error.key,
        inside.status,
    )

"""rotate-tenant-key through the pipeline on the real engines: a new tenant key, every data key
re-wrapped, sealed values opening as before; once per Idempotency-Key; operators only."""

from __future__ import annotations

import json
from typing import Any

from ossature.kernel.ids import new_id
from ossature.kernel.keys import PersonalKeys
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.pipeline import Result
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant


def _keys(system: System) -> PersonalKeys:
    assert system.pipeline is not None
    keys = system.pipeline.services[PersonalKeys]
    assert isinstance(keys, PersonalKeys)
    return keys


async def _rotate(system: System, tenant_id: str, key: str | None = None) -> Result:
    assert system.pipeline is not None
    payload = {"tenantId": tenant_id}
    ctx = internal_context(OPERATOR, key)
    return await system.pipeline.invoke("command", "rotate-tenant-key", payload, ctx)


async def _sealed(tenant: Tenant, count: int) -> list[str]:
    """`count` values, each sealed for a person of its own."""
    assert tenant.system.db is not None
    sealed = []
    async with tenant.system.db.transaction(tenant.tenant_id) as conn:
        for n in range(count):
            keys = _keys(tenant.system)
            sealed.append(await keys.seal(conn, tenant.tenant_id, new_id(), f"person-{n}"))
    return sealed


async def _opened(tenant: Tenant, values: list[str], keys: PersonalKeys) -> list[str | None]:
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        return await keys.open_many(conn, tenant.tenant_id, list(values))


async def _key_version(tenant: Tenant) -> int:
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        return int(await conn.fetchval("select version from tenant_keys"))


async def _rotations(tenant: Tenant) -> list[dict[str, Any]]:
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        rows = await conn.fetch(
            "select event_type, payload from events where stream_id = $1 order by stream_version",
            f"{tenant.tenant_id}.keys",
        )
    return [{"type": row["event_type"], **_json(row["payload"])} for row in rows]


def _json(payload: Any) -> dict[str, Any]:
    return dict(json.loads(payload) if isinstance(payload, str) else payload)


async def test_rotating_gives_a_new_version_and_sealed_values_still_open(tenant: Tenant) -> None:
    sealed = await _sealed(tenant, 3)
    before = await _key_version(tenant)

    result = await _rotate(tenant.system, tenant.tenant_id)

    assert 200 == result.status, result.error and result.error.key
    assert {"tenantId": tenant.tenant_id, "version": before + 1, "rewrapped": 3} == result.body
    assert before + 1 == await _key_version(tenant)
    expected = [{"type": "tenant-key-rotated", "keyVersion": before + 1, "rewrapped": 3}]
    assert expected == await _rotations(tenant)
    # a process that never saw the old key reads them through the new one
    fresh = PersonalKeys(_keys(tenant.system).master)
    assert ["person-0", "person-1", "person-2"] == await _opened(tenant, sealed, fresh)


async def test_a_repeat_answers_the_first_rotation_and_rotates_nothing(tenant: Tenant) -> None:
    sealed = await _sealed(tenant, 2)
    key = new_id()
    first = await _rotate(tenant.system, tenant.tenant_id, key)
    version = await _key_version(tenant)

    repeat = await _rotate(tenant.system, tenant.tenant_id, key)

    assert (200, first.body) == (repeat.status, repeat.body)
    assert repeat.repeat_of is not None
    assert version == await _key_version(tenant)
    assert 1 == len(await _rotations(tenant))
    # the repeat's rolled-back key is not kept for the next rotation's version
    following = await _rotate(tenant.system, tenant.tenant_id, new_id())
    assert version + 1 == following.body["version"]
    assert ["person-0", "person-1"] == await _opened(tenant, sealed, _keys(tenant.system))


async def test_a_tenant_with_no_key_yet_gets_its_second_version(system: System) -> None:
    """A tenant nobody's data was sealed in yet: its first key is made, then replaced."""
    tenant = await make_tenant(system, plan=None)

    result = await _rotate(system, tenant.tenant_id)

    assert {"tenantId": tenant.tenant_id, "version": 2, "rewrapped": 0} == result.body


async def test_only_platform_operators_rotate_a_tenant_key(tenant: Tenant) -> None:
    other = await make_tenant(tenant.system, plan=None)
    payload = {"tenantId": tenant.tenant_id}
    await _sealed(tenant, 1)
    before = await _key_version(tenant)

    refusals = [
        await tenant.invoke("admin", "command", "rotate-tenant-key", payload),
        await tenant.invoke("editor", "command", "rotate-tenant-key", payload),
        await other.invoke("admin", "command", "rotate-tenant-key", payload),
    ]

    assert [403, 403, 403] == [refused.status for refused in refusals]
    assert before == await _key_version(tenant)
    assert [] == await _rotations(tenant)


async def test_an_unknown_tenant_is_not_found(system: System) -> None:
    result = await _rotate(system, "no-such-tenant")

    assert (404, "tenancy.tenant-not-found") == (result.status, result.error and result.error.key)

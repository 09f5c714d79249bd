"""Personal keys on PostgreSQL: sealed values open with their subject's key, say FORGOTTEN once
it is forgotten, survive a rotation of the tenant's key, and open in no other tenant."""

from __future__ import annotations

import asyncio

import pytest

from ossature.kernel.ids import new_id
from ossature.kernel.keys import FORGOTTEN, Forgotten, PersonalKeys, is_sealed, subject_of
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant


def _keys(system: System) -> PersonalKeys:
    assert system.pipeline is not None
    keys = system.pipeline.services[PersonalKeys]
    assert isinstance(keys, PersonalKeys)
    return keys


async def _seal(system: System, tenant_id: str, subject: str, *texts: str) -> list[str]:
    assert system.db is not None
    async with system.db.transaction(tenant_id) as conn:
        return await _keys(system).seal_many(conn, tenant_id, subject, list(texts))


async def _open(system: System, tenant_id: str, values: list[str | None]) -> list[str | None]:
    assert system.db is not None
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        return await _keys(system).open_many(conn, tenant_id, values)


async def test_a_sealed_value_says_nothing_and_opens_with_its_subjects_key(tenant: Tenant) -> None:
    subject = new_id()
    sealed = await _seal(
        tenant.system, tenant.tenant_id, subject, "ada@example.test", "Ada Lovelace"
    )

    assert all(is_sealed(value) and subject_of(value) == subject for value in sealed)
    # words long enough that no random ciphertext spells them by chance, as "ada" may
    assert not any(w in v.lower() for v in sealed for w in ("example", "lovelace"))
    assert (
        sealed[0] != (await _seal(tenant.system, tenant.tenant_id, subject, "ada@example.test"))[0]
    )
    opened = await _open(tenant.system, tenant.tenant_id, [*sealed, "plain", None])
    assert opened == ["ada@example.test", "Ada Lovelace", "plain", None]


async def test_forgetting_a_subject_forgets_every_value_its_key_sealed(tenant: Tenant) -> None:
    system, tenant_id = tenant.system, tenant.tenant_id
    ada, bob = new_id(), new_id()
    (ada_sealed,) = await _seal(system, tenant_id, ada, "ada@example.test")
    (bob_sealed,) = await _seal(system, tenant_id, bob, "bob@example.test")
    assert system.db is not None

    async with system.db.transaction(tenant_id) as conn:
        assert await _keys(system).forget(conn, tenant_id, ada) is True
    async with system.db.transaction(tenant_id) as conn:
        assert await _keys(system).forget(conn, tenant_id, ada) is False  # once is enough

    assert await _open(system, tenant_id, [ada_sealed, bob_sealed]) == [
        FORGOTTEN,
        "bob@example.test",
    ]
    with pytest.raises(Forgotten):
        await _seal(system, tenant_id, ada, "again@example.test")


async def test_a_subject_forgotten_before_any_key_gets_none(tenant: Tenant) -> None:
    system, tenant_id, subject = tenant.system, tenant.tenant_id, new_id()
    assert system.db is not None
    async with system.db.transaction(tenant_id) as conn:
        assert await _keys(system).forget(conn, tenant_id, subject) is False
    with pytest.raises(Forgotten):
        await _seal(system, tenant_id, subject, "late@example.test")


async def test_rotating_the_tenant_key_rewraps_without_touching_sealed_values(
    tenant: Tenant,
) -> None:
    system, tenant_id = tenant.system, tenant.tenant_id
    subjects = [new_id() for _ in range(3)]
    sealed = [(await _seal(system, tenant_id, s, f"person-{i}"))[0] for i, s in enumerate(subjects)]
    assert system.db is not None
    async with system.db.transaction(tenant_id) as conn:
        before = await conn.fetchrow("select version, wrapped from tenant_keys")
        version, rewrapped = await _keys(system).rotate(conn, tenant_id)
        after = await conn.fetchrow("select version, wrapped from tenant_keys")

    assert (version, after["version"]) == (before["version"] + 1, before["version"] + 1)
    assert after["wrapped"] != before["wrapped"]
    assert rewrapped >= 3
    # a fresh process, which has no tenant key in memory, reads them through the new one
    fresh = PersonalKeys(_keys(system).master)
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        assert await fresh.open_many(conn, tenant_id, list(sealed)) == [
            "person-0",
            "person-1",
            "person-2",
        ]


async def test_seals_and_a_rotation_at_once_leave_every_key_readable(tenant: Tenant) -> None:
    system, tenant_id = tenant.system, tenant.tenant_id
    assert system.db is not None

    async def rotate() -> None:
        assert system.db is not None
        async with system.db.transaction(tenant_id) as conn:
            await _keys(system).rotate(conn, tenant_id)

    subjects = [new_id() for _ in range(8)]
    results = await asyncio.gather(
        *[_seal(system, tenant_id, s, f"text-{i}") for i, s in enumerate(subjects)],
        rotate(),
        rotate(),
    )
    sealed = [result[0] for result in results[:8] if result is not None]
    fresh = PersonalKeys(_keys(system).master)
    async with system.db.transaction(tenant_id, readonly=True) as conn:
        assert await fresh.open_many(conn, tenant_id, sealed) == [f"text-{i}" for i in range(8)]


async def test_another_tenant_opens_nothing_of_this_one(tenant: Tenant) -> None:
    other = await make_tenant(tenant.system)
    (sealed,) = await _seal(tenant.system, tenant.tenant_id, new_id(), "secret-person")

    # under row-level security the other tenant finds no key: the value reads as forgotten
    assert await _open(tenant.system, other.tenant_id, [sealed]) == [FORGOTTEN]

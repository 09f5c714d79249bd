"""Rotating the master key on a database of its own: every tenant's key re-wrapped with the new
key in one transaction; at each step a crash could stop at, the files left open every tenant's
key; an interrupted rotation is finished by the next; `ossature keys rotate-master` does it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from ossature.cli import root
from ossature.kernel.ids import new_id
from ossature.kernel.keys import FileMasterKey, MasterKey, PersonalKeys
from ossature.runtime.master_key import (
    CURRENT,
    NEXT,
    PREVIOUS,
    drop_previous,
    master_key_of,
    rewrap_every_tenant,
    rotate_master_key,
    stage_new_key,
)
from ossature.runtime.migrate import ensure_database, migrate
from ossature.runtime.secrets import load_secrets
from ossature.runtime.system import System


@dataclass
class Deployment:
    """A database with two tenants, a value sealed in each, and the secrets folder whose
    master key wrapped their keys."""

    url: str
    secrets: Path
    sealed: dict[str, str]  # tenant → its sealed value
    texts: dict[str, str]  # tenant → the text sealed

    def key(self, name: str = CURRENT) -> FileMasterKey:
        return FileMasterKey(bytes.fromhex((self.secrets / name).read_text()))

    async def opened(self, master: MasterKey) -> dict[str, str]:
        """Each tenant's value, opened by a fresh process whose master key is `master`."""
        keys, opened = PersonalKeys(master), {}
        conn = await asyncpg.connect(self.url)
        try:
            for tenant_id, value in self.sealed.items():
                async with conn.transaction():
                    await _confine(conn, tenant_id)
                    opened[tenant_id] = await keys.open(conn, tenant_id, value)
        finally:
            await conn.close()
        return opened

    async def opens_with(self, master: MasterKey) -> bool:
        try:
            return await self.opened(master) == self.texts
        except ValueError:  # the master key wrapped none of the tenants' keys
            return False


async def _confine(conn: asyncpg.Connection, tenant_id: str) -> None:
    await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id)


@pytest.fixture
async def deployment(system: System, tmp_path: Path) -> AsyncIterator[Deployment]:
    assert system.secrets is not None
    name = f"ossature_master_{new_id().lower()[-10:]}"
    url = await ensure_database(system.owner_url, name)
    await migrate(url, system.app.migration_folders(), system.secrets.database_roles)
    secrets = tmp_path / "var" / "secrets"
    secrets.mkdir(parents=True)
    (secrets / CURRENT).write_text(os.urandom(32).hex())
    keys = PersonalKeys(FileMasterKey(bytes.fromhex((secrets / CURRENT).read_text())))
    sealed: dict[str, str] = {}
    texts: dict[str, str] = {}
    conn = await asyncpg.connect(url)
    try:
        for slug in ("north", "south"):
            tenant_id = new_id()
            texts[tenant_id] = f"{slug}@example.test"
            async with conn.transaction():
                await _confine(conn, tenant_id)
                await conn.execute(
                    "insert into tenants (tenant_id, slug, display_name, root_folder_id)"
                    " values ($1, $2, $2, $3)",
                    tenant_id,
                    slug,
                    new_id(),
                )
                sealed[tenant_id] = await keys.seal(conn, tenant_id, new_id(), texts[tenant_id])
    finally:
        await conn.close()
    yield Deployment(url, secrets, sealed, texts)
    owner = await asyncpg.connect(system.owner_url)
    try:
        await owner.execute(f'drop database "{name}" with (force)')
    finally:
        await owner.close()


async def test_the_old_key_opens_until_the_switch_and_the_new_one_after(
    deployment: Deployment,
) -> None:
    old = deployment.key()

    stage_new_key(deployment.secrets)  # the files switched, the database not yet
    new = deployment.key()
    assert deployment.key(PREVIOUS).key_id == old.key_id != new.key_id
    assert await deployment.opens_with(old)
    assert not await deployment.opens_with(new)
    system_key = master_key_of(load_secrets(deployment.secrets))  # what a start would read
    assert await deployment.opens_with(system_key)

    assert 2 == await rewrap_every_tenant(deployment.secrets, deployment.url)  # committed
    assert await deployment.opens_with(new)
    assert not await deployment.opens_with(old)
    assert await deployment.opens_with(master_key_of(load_secrets(deployment.secrets)))

    drop_previous(deployment.secrets)
    assert not (deployment.secrets / PREVIOUS).exists()
    assert await deployment.opens_with(master_key_of(load_secrets(deployment.secrets)))


async def test_a_rotation_that_stopped_midway_is_finished_by_the_next(
    deployment: Deployment,
) -> None:
    first = deployment.key()
    stage_new_key(deployment.secrets)  # ... and the process died before the re-wrap
    (deployment.secrets / NEXT).write_text(os.urandom(32).hex())  # and a later one here

    rotated = await rotate_master_key(deployment.secrets, deployment.url)

    assert rotated.finished_earlier
    assert 2 == rotated.tenants
    assert {CURRENT} == {p.name for p in deployment.secrets.glob("master-key*")}
    assert rotated.key_id == deployment.key().key_id != first.key_id
    assert await deployment.opens_with(deployment.key())
    assert not await deployment.opens_with(first)


async def test_the_command_rotates_the_master_key_of_a_stopped_system(
    deployment: Deployment,
) -> None:
    old = deployment.key()
    env = {
        "OSSATURE_VAR_DIR": str(deployment.secrets.parent),
        "OSSATURE_DATABASE_URL": deployment.url,
    }

    # in a thread of its own, as a command line runs its own event loop
    ran = await asyncio.to_thread(CliRunner().invoke, root(), ["keys", "rotate-master"], env=env)

    assert 0 == ran.exit_code, ran.output
    assert "2 tenant keys re-wrapped" in ran.output
    assert deployment.key().key_id != old.key_id
    assert 0o600 == (deployment.secrets / CURRENT).stat().st_mode & 0o777
    assert await deployment.opens_with(deployment.key())


async def test_a_rotation_that_fails_at_the_rewrap_leaves_keys_that_open_everything(
    deployment: Deployment,
) -> None:
    """A tenant key no master key of ours wrapped: the re-wrap rolls back, the files keep
    both keys, the system still opens every value, and once it is gone a rerun finishes."""
    stranger = new_id()
    conn = await asyncpg.connect(deployment.url)
    try:
        async with conn.transaction():
            await _confine(conn, stranger)
            await conn.execute(
                "insert into tenants (tenant_id, slug, display_name, root_folder_id)"
                " values ($1, 'stranger', 'stranger', $2)",
                stranger,
                new_id(),
            )
            await PersonalKeys(FileMasterKey(os.urandom(32))).seal(conn, stranger, new_id(), "x")
    finally:
        await conn.close()

    with pytest.raises(ValueError, match="no master key"):
        await rotate_master_key(deployment.secrets, deployment.url)

    assert (deployment.secrets / PREVIOUS).exists()
    assert await deployment.opens_with(master_key_of(load_secrets(deployment.secrets)))
    conn = await asyncpg.connect(deployment.url)
    try:
        async with conn.transaction():
            await _confine(conn, stranger)
            await conn.execute("delete from tenant_keys where tenant_id = $1", stranger)
    finally:
        await conn.close()
    rotated = await rotate_master_key(deployment.secrets, deployment.url)
    assert (True, 2) == (rotated.finished_earlier, rotated.tenants)
    assert await deployment.opens_with(deployment.key())

"""The master key's file, and its rotation (decision 90).

The master key (`master-key` in the secrets folder) wraps each tenant's key. A rotation makes
a new one and re-wraps every tenant's key with it, in one transaction of the database's
owner; the tenant keys themselves, and everything they wrap, stay as they are.

The files and the database cannot change at once, so the rotation goes in steps, each leaving
a pair that opens every tenant's key (`master_key_of` unwraps with `master-key`, then with
`master-key.previous` when it is there):

1. the new key is written to `master-key.next` (it wraps nothing yet: a leftover is replaced);
2. the current key is copied to `master-key.previous`;
3. `master-key.next` is renamed to `master-key` (atomic): new tenant keys are wrapped by it;
4. every tenant's key is re-wrapped with the new key, in one transaction;
5. `master-key.previous` is removed once that transaction has committed.

A rotation that stopped after step 2 left `master-key.previous`: the next one first finishes
it (re-wraps every tenant's key with `master-key`, removes the previous) and then rotates.
Run it with the system stopped: a running process wraps with the key it read at its start.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from ossature.kernel.keys import FileMasterKey, MasterKey, MasterKeys, rewrap_tenant_key
from ossature.runtime.secrets import Secrets

__all__ = ["CURRENT", "NEXT", "PREVIOUS", "Rotated", "master_key_of", "rotate_master_key"]

CURRENT, PREVIOUS, NEXT = "master-key", "master-key.previous", "master-key.next"


@dataclass(frozen=True)
class Rotated:
    """What a rotation of the master key did: the new key's id, the tenants re-wrapped."""

    key_id: str
    tenants: int
    finished_earlier: bool  # a rotation that had stopped midway was finished first


def master_key_of(secrets: Secrets) -> MasterKey:
    """The master key the system wraps and unwraps with: the current one, and the previous
    one too while a rotation has not finished."""
    current = FileMasterKey(secrets.master_key)
    if not secrets.master_key_previous:
        return current
    return MasterKeys(current, FileMasterKey(secrets.master_key_previous))


def _key_in(path: Path) -> FileMasterKey:
    return FileMasterKey(bytes.fromhex(path.read_text().strip()))


def _write(path: Path, text: str) -> None:
    """`path` holding `text`, mode 0600, on disk before this returns (a leftover replaced)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stage_new_key(folder: Path) -> None:
    """Steps 1 to 3: a new `master-key`, the one it replaces kept as `master-key.previous`."""
    _write(folder / NEXT, secrets.token_hex(32))
    _write(folder / PREVIOUS, (folder / CURRENT).read_text().strip())
    os.replace(folder / NEXT, folder / CURRENT)
    _sync_folder(folder)


async def rewrap_every_tenant(folder: Path, owner_url: str) -> int:
    """Step 4: every tenant's key re-wrapped with `master-key`, unwrapped by whichever of
    `master-key` and `master-key.previous` wrapped it; how many tenants had a key."""
    current = _key_in(folder / CURRENT)
    previous = folder / PREVIOUS
    old = MasterKeys(current, _key_in(previous)) if previous.exists() else current
    conn = await asyncpg.connect(owner_url)
    try:
        async with conn.transaction():
            return await _rewrap(conn, old, current)
    finally:
        await conn.close()


async def _rewrap(conn: Any, old: MasterKey, new: MasterKey) -> int:
    """Each tenant's key, read and written under the tenant's row-level security (forced on
    the owner too), as migrations do."""
    if await conn.fetchval("select to_regclass('tenant_keys')") is None:
        return 0  # a database that never ran this version: no tenant has a key yet
    rewrapped = 0
    for tenant_id in [
        row["tenant_id"] for row in await conn.fetch("select tenant_id from tenants")
    ]:
        await conn.execute("select set_config('app.tenant_id', $1, true)", tenant_id)
        rewrapped += await rewrap_tenant_key(conn, tenant_id, old, new)
    await conn.execute("select set_config('app.tenant_id', '', true)")
    return rewrapped


def drop_previous(folder: Path) -> None:
    """Step 5, once step 4 committed: the previous key goes."""
    (folder / PREVIOUS).unlink(missing_ok=True)
    _sync_folder(folder)


async def rotate_master_key(folder: Path, owner_url: str) -> Rotated:
    """A new master key in `folder`, every tenant's key re-wrapped with it (steps 1 to 5);
    a rotation that had stopped midway is finished first."""
    finished_earlier = (folder / PREVIOUS).exists()
    if finished_earlier:
        await rewrap_every_tenant(folder, owner_url)
        drop_previous(folder)
    stage_new_key(folder)
    tenants = await rewrap_every_tenant(folder, owner_url)
    drop_previous(folder)
    return Rotated(_key_in(folder / CURRENT).key_id, tenants, finished_earlier)

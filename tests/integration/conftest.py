"""Integration tests run on real engines, started once per test session (tests/engines.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest

from ossature.kernel.ids import new_id
from ossature.runtime.migrate import ensure_database
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant


@pytest.fixture
async def tenant(system: System) -> Tenant:
    """A fresh tenant with the demo's folder tree and accounts: tests never share data."""
    return await make_tenant(system)


Fresh = Callable[[], Any]


@pytest.fixture
async def fresh(system: System) -> AsyncIterator[Fresh]:
    """Makes empty databases on the test engine (dropped after the test); each call, the
    owner's URL to a new one."""
    made: list[str] = []

    async def make() -> str:
        made.append(f"ossature_fresh_{new_id().lower()[-10:]}")
        return await ensure_database(system.owner_url, made[-1])

    yield make
    owner = await asyncpg.connect(system.owner_url)
    try:
        for name in made:
            await owner.execute(f'drop database "{name}" with (force)')
    finally:
        await owner.close()

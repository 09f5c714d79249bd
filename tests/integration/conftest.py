"""Integration tests run on real engines, started once per test session (tests/engines.py)."""

from __future__ import annotations

import pytest

from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant


@pytest.fixture
async def tenant(system: System) -> Tenant:
    """A fresh tenant with the demo's folder tree and accounts: tests never share data."""
    return await make_tenant(system)

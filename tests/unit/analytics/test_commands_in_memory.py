"""configure-login-source run through the analytics module's table on the in-memory seam.

run-login-extract copies a source into PostgreSQL: tests/integration covers it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ossature.kernel.context import Context
from ossature.kernel.memory import InMemory
from ossature.modules.analytics import MODULE
from ossature.modules.analytics._locations import AllowList
from ossature.modules.analytics._sealing import LocationSealer
from ossature.modules.analytics.errors import LocationNotAllowed
from ossature.modules.analytics.service import LoginSources
from ossature.modules.analytics.state import replay, source_stream
from tests.unit.support import user_context

KEY = bytes(range(32))
SOURCES = LoginSources(
    AllowList.parse(["/srv/sources"]), LocationSealer(KEY), b"salt", Path("/nonexistent/staging")
)
CRM = {"name": "crm", "kind": "sqlite", "location": "/srv/sources/crm.db", "schedule": "@daily"}


def admin() -> Context:
    return user_context("tenant-admin", "global")


def _memory() -> InMemory:
    return InMemory(MODULE, services={LoginSources: SOURCES})


def _source(memory: InMemory) -> tuple[str, str, int]:
    """The source as its stream folds: its location (unsealed), schedule and version."""
    stream = memory.stream(admin(), source_stream("acme", "crm"))
    source = replay(stream.events, stream.version)
    assert source is not None
    location = SOURCES.sealer.open("acme", "crm", source.sealed_location)
    return location, source.schedule, source.version


async def test_a_new_source_is_stored_with_its_location_sealed() -> None:
    """One event; what it carries opens to the location, which it never carries in clear."""
    memory = _memory()

    outcome = await memory.command(admin(), "configure-login-source", CRM)

    stored = memory.store.envelopes[0].payload
    expected = ({"source": "crm", "version": 1}, ("/srv/sources/crm.db", "@daily", 1), False)
    assert expected == (outcome, _source(memory), "crm.db" in str(stored))


async def test_the_same_settings_again_append_nothing() -> None:
    """The stream folds to the same source: no second event, the version stays."""
    memory = _memory()
    await memory.command(admin(), "configure-login-source", CRM)

    outcome = await memory.command(admin(), "configure-login-source", CRM)

    assert ({"source": "crm", "version": 1}, 1) == (outcome, len(memory.store.envelopes))


async def test_a_new_schedule_is_a_second_configuration_that_the_fold_keeps() -> None:
    """The source folds to the last configuration, at the stream's version."""
    memory = _memory()
    await memory.command(admin(), "configure-login-source", CRM)

    await memory.command(admin(), "configure-login-source", {**CRM, "schedule": "0 3 * * *"})

    assert ("/srv/sources/crm.db", "0 3 * * *", 2) == _source(memory)


async def test_a_location_outside_the_allow_list_stores_nothing() -> None:
    """Refused before anything is sealed or appended."""
    memory = _memory()
    with pytest.raises(LocationNotAllowed):
        await memory.command(admin(), "configure-login-source", {**CRM, "location": "/etc/passwd"})
    assert [] == memory.store.envelopes

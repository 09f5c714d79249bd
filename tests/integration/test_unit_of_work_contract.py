"""One contract, two units of work: PostgreSQL's and the in-memory one behave alike.

The in-memory seam is only worth its speed if module tests on it mean what they would on
the engines; each test here runs against both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from ossature.kernel.context import Context
from ossature.kernel.database import InvocationDatabase, InvocationTransaction
from ossature.kernel.deps import UnitOfWorkPort
from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.eventstore import EventStore
from ossature.kernel.idempotency import IdempotencyKeyReused, Repeated
from ossature.kernel.ids import new_id
from ossature.kernel.memory import MemoryStore, MemoryUnitOfWork
from ossature.kernel.unit_of_work import UnitOfWork
from ossature.modules.projects.commands.archive_project import ProjectArchived
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.runtime.application import Application
from ossature.runtime.system import System
from tests.integration.support import Tenant, make_tenant

NOW = datetime(2026, 1, 1, tzinfo=UTC)
Opened = Callable[[Context], UnitOfWorkPort]


@pytest.fixture(params=["postgresql", "memory"])
async def unit_of_work(request: Any, system: System) -> AsyncIterator[Opened]:
    """Opens a unit of work on one backend; PostgreSQL's transactions end with the test."""
    types = Application.of().event_types
    if request.param == "memory":
        store = MemoryStore(types)
        yield lambda ctx: MemoryUnitOfWork(store, ctx)
        return
    opened: list[InvocationTransaction] = []

    def open_on_postgresql(ctx: Context) -> UnitOfWorkPort:
        transaction = InvocationTransaction(system.db.pool, ctx.tenant_id)
        opened.append(transaction)
        return UnitOfWork(InvocationDatabase(system.db.pool, transaction), EventStore(types), ctx)

    yield open_on_postgresql
    for transaction in opened:
        await transaction.end(failed=False)


def _created(uow: UnitOfWorkPort) -> str:
    project_id = new_id()
    uow.append(
        "project",
        project_id,
        0,
        [ProjectCreated(project_id=project_id, folder_id="f", project_name="p")],
    )
    return project_id


async def test_a_committed_stream_loads_decoded_in_order(
    unit_of_work: Opened, tenant: Tenant
) -> None:
    """Events come back as their declared classes, at versions 1, 2, ..."""
    first = unit_of_work(tenant.ctx("admin"))
    project_id = _created(first)
    first.append("project", project_id, 1, [ProjectArchived(project_id=project_id)])
    await first.commit("create-project", {}, NOW, ())
    stream = await unit_of_work(tenant.ctx("admin")).load(project_id)
    assert (["project-created", "project-archived"], 2) == (
        [e.name for e in stream.events],
        stream.version,
    )


async def test_a_stale_expected_version_conflicts_and_appends_nothing(
    unit_of_work: Opened, tenant: Tenant
) -> None:
    """Two appends from version 0 of one stream: the second is refused."""
    first = unit_of_work(tenant.ctx("admin"))
    project_id = _created(first)
    await first.commit("create-project", {}, NOW, ())
    second = unit_of_work(tenant.ctx("admin"))
    second.append("project", project_id, 0, [ProjectArchived(project_id=project_id)])
    with pytest.raises(ConcurrencyConflict):
        await second.commit("archive-project", {}, NOW, ())
    assert 1 == (await unit_of_work(tenant.ctx("admin")).load(project_id)).version


async def test_a_repeated_key_answers_the_first_outcome(
    unit_of_work: Opened, tenant: Tenant
) -> None:
    """The second commit under one key raises Repeated with the first outcome."""
    key = new_id()
    first = unit_of_work(tenant.ctx("admin", key))
    _created(first)
    await first.commit("create-project", {"n": 1}, NOW, ())
    repeat = unit_of_work(tenant.ctx("admin", key))
    other = _created(repeat)
    with pytest.raises(Repeated) as repeated:
        await repeat.commit("create-project", {"n": 2}, NOW, ())
    assert ({"n": 1}, 0) == (
        repeated.value.outcome,
        (await unit_of_work(tenant.ctx("admin")).load(other)).version,
    )


async def test_a_key_recorded_for_another_command_is_refused(
    unit_of_work: Opened, tenant: Tenant
) -> None:
    """Looking a key up for another command than the one that recorded it raises."""
    key = new_id()
    first = unit_of_work(tenant.ctx("admin", key))
    _created(first)
    await first.commit("create-project", {}, NOW, ())
    with pytest.raises(IdempotencyKeyReused):
        await unit_of_work(tenant.ctx("admin", key)).recorded("archive-project")


async def test_another_tenants_stream_loads_empty(
    unit_of_work: Opened, tenant: Tenant, system: System
) -> None:
    """A tenant never reads another's events."""
    first = unit_of_work(tenant.ctx("admin"))
    project_id = _created(first)
    await first.commit("create-project", {}, NOW, ())
    other = await make_tenant(system)
    assert 0 == (await unit_of_work(other.ctx("admin")).load(project_id)).version

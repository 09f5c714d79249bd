"""A command's commit: one statement when appending is all it does, else its transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ossature.kernel.database import InvocationDatabase, InvocationTransaction
from ossature.kernel.eventstore import EventStore
from ossature.kernel.idempotency import Repeated
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Envelope
from ossature.kernel.projection import Projection
from ossature.kernel.unit_of_work import UnitOfWork
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.runtime.system import System
from tests.integration.support import Tenant


def _staged(
    system: System, tenant: Tenant, key: str | None = None
) -> tuple[UnitOfWork, InvocationTransaction, str]:
    """A unit of work with one creation staged; `key` is the client's idempotency key."""
    transaction = InvocationTransaction(system.db.pool, tenant.tenant_id)
    uow = UnitOfWork(
        InvocationDatabase(system.db.pool, transaction),
        EventStore(),
        tenant.ctx("admin", key or new_id()),
    )
    project_id = new_id()
    created = ProjectCreated(project_id=project_id, folder_id="f", project_name="p")
    uow.append("project", project_id, 0, [created])
    return uow, transaction, project_id


async def _stored(system: System, tenant: Tenant, project_id: str) -> int:
    async with system.db.transaction(tenant.tenant_id) as conn:
        return int(
            await conn.fetchval("select count(*) from events where stream_id = $1", project_id)
        )


async def test_a_commit_that_only_appends_never_begins_a_transaction(
    system: System, tenant: Tenant
) -> None:
    """Nothing read, no inline projection: the key and the events go in as one statement,
    and a repeat of the key appends nothing more."""
    key = new_id()
    uow, transaction, project_id = _staged(system, tenant, key)
    repeat, again, other_id = _staged(system, tenant, key)

    outcome = await uow.commit("create-project", {"projectId": project_id}, datetime.now(UTC), ())
    await transaction.end(failed=False)
    with pytest.raises(Repeated) as repeated:
        await repeat.commit("create-project", {"projectId": other_id}, datetime.now(UTC), ())
    await again.end(failed=True)

    assert {"projectId": project_id} == outcome
    assert not transaction.started
    assert [project_id] == [e.stream_id for e in uow.committed]
    assert 1 == await _stored(system, tenant, project_id)
    assert {"projectId": project_id} == repeated.value.outcome
    assert 0 == await _stored(system, tenant, other_id)


async def test_a_commit_an_inline_projection_follows_runs_in_the_transaction(
    system: System, tenant: Tenant
) -> None:
    """An inline projection of the event needs the transaction: BEGIN, then the append and
    the projection, committed at the end."""
    seen: list[str] = []

    async def note(conn: Any, envelope: Envelope) -> None:
        seen.append(envelope.stream_id)

    inline = Projection("inline-under-test", {"project-created": note}, (), inline=True)
    uow, transaction, project_id = _staged(system, tenant)

    await uow.commit("create-project", {}, datetime.now(UTC), (inline,))
    started = transaction.started
    await transaction.end(failed=False)

    assert started
    assert [project_id] == seen
    assert 1 == await _stored(system, tenant, project_id)

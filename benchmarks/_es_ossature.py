"""Ossature's side of benchmarks/eventsourcing_appends.py: create-project's commit as the
pipeline makes it, without HTTP and without the handler's reads (it has none).

Each command: the invocation's transaction (begun only if needed, with the session's guard),
its unit of work on the application's pool (the application's role, so row-level security
holds), one `project-created` event of a new stream staged, and the commit: with nothing
projected inline, one statement in the next group commit (`GroupCommit`), which confines
itself to the tenant, checks the session, records the idempotency key and the outcome,
writes the audit entry, meters the command and appends the event (`ossature_append_group`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from _es_drive import Tally, Window

from ossature.kernel.context import Actor, Grant
from ossature.kernel.database import InvocationDatabase, InvocationTransaction
from ossature.kernel.eventstore import EventStore
from ossature.kernel.group_commit import GroupCommit
from ossature.kernel.ids import new_id
from ossature.kernel.meter import Meter
from ossature.kernel.unit_of_work import UnitOfWork
from ossature.modules.identity.projections import guard_of
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.system import System


class Appends:
    """One tenant's editor creating projects in one folder, in an open session."""

    def __init__(
        self, system: System, tenant_id: str, folder_id: str, session_id: str, groups: int = 1
    ) -> None:
        """`groups` group commits share the clients, as that many processes would (each
        pipeline has one): as many groups may be in flight at once."""
        assert system.db is not None
        self.system, self.tenant_id, self.folder_id = system, tenant_id, folder_id
        self.pool = system.db.pool
        self.store = EventStore(system.app.event_types)
        self.groups = [GroupCommit(self.pool, self.store) for _ in range(groups)]
        self.inline = system.app.inline_projections
        self.actor = Actor(
            account_id=new_id(),
            kind="user",
            tenant_id=tenant_id,
            mechanism="session",
            session_id=session_id,
            grants=(Grant(role="project-editor", folder_id=folder_id),),
        )

    @classmethod
    async def prepare(cls, system: System, groups: int = 1) -> Appends:
        """A new tenant on the enterprise plan (every module, no quota) and a session in it."""
        tenant = await _operate(system, "create-tenant", _tenant_payload())
        tenant_id, folder_id = tenant["tenantId"], tenant["rootFolderId"]
        await _operate(system, "set-tenant-plan", {"tenantId": tenant_id, "plan": "enterprise"})
        session_id = await _open_session(system, tenant_id)
        return cls(system, tenant_id, folder_id, session_id, groups)

    async def create_project(self, client: int = 0) -> None:
        """One command's commit: a new project, one event (in the client's group commit)."""
        ctx = internal_context(self.actor, new_id())
        guard = guard_of(self.actor)
        transaction = InvocationTransaction(self.pool, self.tenant_id, guard=guard)
        db = InvocationDatabase(self.pool, transaction)
        uow = UnitOfWork(db, self.store, ctx, group=self.groups[client % len(self.groups)])
        uow.meter = Meter("projects", self.folder_id)
        project_id = new_id()
        created = ProjectCreated(
            project_id=project_id, folder_id=self.folder_id, project_name="a project"
        )
        uow.append("project", project_id, 0, [created])
        outcome = {"projectId": project_id}
        await uow.commit("create-project", outcome, datetime.now(UTC), self.inline)
        await transaction.end(failed=False)

    async def stored(self) -> int:
        """The tenant's project-created events in the store."""
        assert self.system.db is not None
        async with self.system.db.transaction(self.tenant_id, readonly=True) as conn:
            return int(
                await conn.fetchval(
                    "select count(*) from events where event_type = $1", ProjectCreated.name
                )
            )


async def drive(appends: Appends, clients: int, window: Window) -> list[Tally]:
    """`clients` tasks creating projects back to back through the window."""
    tallies = [Tally() for _ in range(clients)]

    async def client(number: int, tally: Tally) -> None:
        while True:
            began = time.monotonic()
            await appends.create_project(number)
            if not window.done(tally, began):
                return

    window.open()
    await asyncio.gather(*(client(number, tally) for number, tally in enumerate(tallies)))
    return tallies


async def _operate(system: System, name: str, payload: dict[str, str]) -> dict[str, str]:
    assert system.pipeline is not None
    result = await system.pipeline.invoke("command", name, payload, internal_context(OPERATOR))
    if result.status != 200:
        raise SystemExit(f"{name} answered {result.status}: {result.error}")
    return dict(result.body)


async def _open_session(system: System, tenant_id: str) -> str:
    """An open session, written where log-in writes it: the guard each command checks."""
    assert system.db is not None
    session_id = new_id()
    async with system.db.transaction(tenant_id) as conn:
        await conn.execute(
            "insert into credentials (tenant_id, credential_id, account_id, expires_at)"
            " values ($1, $2, $3, $4)",
            tenant_id,
            session_id,
            new_id(),
            datetime.now(UTC) + timedelta(hours=2),
        )
    return session_id


def _tenant_payload() -> dict[str, str]:
    slug = f"es-{new_id().lower()[-12:]}"
    return {"slug": slug, "displayName": slug}

"""How fast `ossature projections rebuild projects-catalog` replays the store (issue 22).

Starts fresh embedded engines in a temporary directory (the system's migrations, no
worker), seeds the store with `--events` project events over `--tenants` tenants, then
rebuilds the catalog with the function the command runs (`kernel/consumers.py`'s
`rebuild`) and prints events, seconds and events/s, then checks the rebuilt rows against
the fold of the seeded streams.

The seed goes through the event store's own append (`EventStore.append`, one statement
per tenant per transaction), so the rows are what the store writes: ids, stream versions,
the contexts, the global order. Its mix: creations (a fifth stored without a description,
as before it existed), renames (a fifth stored at version 1, upcast on reading), archives,
unarchives and the saga's compensations, interleaved over the tenants the way a live
system's appends are. `--rounds` rebuilds, each timed; `--per-event` alternates them with
the path projections without a bulk rebuild take (one handler call per event or run, the
only path before decision 122). The rows are checked after the last rebuild.

Run: .venv/bin/python benchmarks/rebuild.py [--events 200000]
[--tenants 300] [--rounds 3] [--per-event]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ossature.kernel.config import Settings
from ossature.kernel.consumers import rebuild
from ossature.kernel.context import Actor, Context, Grant, Trace
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.kernel.logging import configure_logging
from ossature.kernel.messages import Event
from ossature.kernel.projection import Projection
from ossature.modules.projects import MODULE as PROJECTS
from ossature.modules.projects.commands import (
    archive_project,
    create_project,
    rename_project,
    unarchive_project,
    undo_project_creation,
    undo_project_rename,
)
from ossature.modules.projects.state import Project
from ossature.runtime.endpoints import engines
from ossature.runtime.system import System

CATALOG = PROJECTS.projections[0]
BATCH = 2_000  # events per seeding transaction


class _CreatedBeforeDescriptions(Event, frozen=True):
    """project-created as it was stored before it had a description."""

    name = "project-created"
    project_id: str
    folder_id: str
    project_name: str


class _RenamedV1(Event, frozen=True):
    """project-renamed at version 1, the new name under `projectName` (decision 97)."""

    name = "project-renamed"
    project_id: str
    project_name: str
    previous_name: str


@dataclass
class _Seeded:
    """A project as the seed left it, and what the catalog must hold for it."""

    tenant_id: str
    row: Project


@dataclass
class _Seed:
    """The seeded projects by id, and a random source of its own."""

    tenants: list[str]
    rng: random.Random
    projects: dict[str, _Seeded] = field(default_factory=dict)

    def events(self, count: int) -> Iterator[tuple[str, str, int, Event]]:
        """`count` events (tenant, project, its version, event): a third creations early on,
        fewer later, each other one changing a project made before."""
        ids: list[str] = []
        for n in range(count):
            if not ids or self.rng.random() < 0.35 - 0.15 * n / count:
                ids.append(new_id())
                yield self._created(ids[-1])
            else:
                yield self._changed(self.rng.choice(ids))

    def _created(self, project_id: str) -> tuple[str, str, int, Event]:
        tenant_id, name = self.rng.choice(self.tenants), f"Project {project_id[-6:]}"
        folder = f"folder-{tenant_id[-4:]}-{self.rng.randrange(8)}"
        event: Event
        if self.rng.random() < 0.2:
            event = _CreatedBeforeDescriptions(
                project_id=project_id, folder_id=folder, project_name=name
            )
        else:
            event = create_project.ProjectCreated(
                project_id=project_id, folder_id=folder, project_name=name, description="Seeded."
            )
        row = Project(project_id, folder, name, version=1)
        if isinstance(event, create_project.ProjectCreated):
            row = dataclasses.replace(row, description=event.description)
        self.projects[project_id] = _Seeded(tenant_id, row)
        return tenant_id, project_id, 1, event

    def _changed(self, project_id: str) -> tuple[str, str, int, Event]:
        seeded = self.projects[project_id]
        before = seeded.row
        event, after = self._change(before)
        seeded.row = dataclasses.replace(after, version=before.version + 1)
        return seeded.tenant_id, project_id, seeded.row.version, event

    def _change(self, project: Project) -> tuple[Event, Project]:
        pid, roll = project.project_id, self.rng.random()
        if project.archived:
            if roll < 0.5:
                return unarchive_project.ProjectUnarchived(project_id=pid), dataclasses.replace(
                    project, archived=False
                )
            roll = 0.0  # an archived project's other event: renamed back by the saga
        if roll < 0.05:
            return undo_project_rename.ProjectRenameUndone(
                project_id=pid, refused_name="Taken", restored_name="Restored", author_id="a"
            ), dataclasses.replace(project, name="Restored")
        if roll < 0.07:
            return undo_project_creation.ProjectCreationUndone(
                project_id=pid, refused_name=project.name, author_id="a"
            ), dataclasses.replace(project, archived=True)
        if roll < 0.2:
            return archive_project.ProjectArchived(project_id=pid), dataclasses.replace(
                project, archived=True
            )
        new_name = f"Renamed {self.rng.randrange(10**9)}"
        event: Event = rename_project.ProjectRenamed(
            project_id=pid, new_name=new_name, previous_name=project.name
        )
        if roll < 0.35:
            event = _RenamedV1(project_id=pid, project_name=new_name, previous_name=project.name)
        return event, dataclasses.replace(project, name=new_name)


def _context(tenant_id: str) -> Context:
    actor = Actor(
        account_id=f"account-{tenant_id}",
        kind="user",
        tenant_id=tenant_id,
        mechanism="session",
        session_id=new_id(),
        grants=(Grant("editor", f"root-{tenant_id}"),),
    )
    trace = Trace(
        client_action_id=new_id(),
        external_invocation_id=new_id(),
        originating_trace_id=new_id(),
        parent_invocation_id=None,
        invocation_id=new_id(),
    )
    return Context(access=actor, trace=trace)


async def seed(owner: Database, count: int, tenants: int) -> _Seed:
    """Append `count` project events through the store, `BATCH` per transaction."""
    made = _Seed([new_id() for _ in range(tenants)], random.Random(22))
    contexts = {tenant_id: _context(tenant_id) for tenant_id in made.tenants}
    store, events = EventStore(), list(made.events(count))
    for start in range(0, count, BATCH):
        by_tenant: dict[str, dict[str, list[tuple[int, Event]]]] = {}
        for tenant_id, project_id, version, event in events[start : start + BATCH]:
            by_tenant.setdefault(tenant_id, {}).setdefault(project_id, []).append((version, event))
        async with owner.connection() as conn, conn.transaction():
            for tenant_id, streams in by_tenant.items():
                pending = [_pending(project_id, run) for project_id, run in streams.items()]
                now = datetime.now(UTC)
                await store.append(conn, contexts[tenant_id], tenant_id, now, pending)
    return made


def _pending(project_id: str, run: list[tuple[int, Event]]) -> PendingAppend:
    return PendingAppend("project", project_id, run[0][0] - 1, tuple(e for _, e in run))


async def _timed(owner: Database, store: EventStore, projection: Projection, label: str) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    events = await rebuild(owner, store, projection)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label}: {events} events in {seconds:.2f} s ({events / seconds:,.0f} events/s),"
        f" this process {1e6 * cpu / events:.1f} us CPU per event"
    )


async def _check(owner: Database, made: _Seed) -> None:
    async with owner.connection() as conn:
        rows = await conn.fetch(
            "select tenant_id, project_id, folder_id, name, archived, version, description"
            " from projects"
        )
    found = {r["project_id"]: (r["tenant_id"], Project(*list(r.values())[1:])) for r in rows}
    expected = {pid: (s.tenant_id, s.row) for pid, s in made.projects.items()}
    verdict = "equal to" if found == expected else "DIFFERENT from"
    print(f"The rebuilt catalog ({len(found)} rows) is {verdict} the seeded streams' fold.")


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="ossature-rebuild-") as var:
        settings = Settings.from_env({"OSSATURE_VAR_DIR": var})
        with engines(settings) as endpoints:
            system = System(settings, endpoints)
            await system.start(roles=())
            owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
            try:
                store = EventStore(system.app.event_types)
                await _run(owner, store, args)
            finally:
                await owner.close()
                await system.stop()


async def _run(owner: Database, store: EventStore, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    made = await seed(owner, args.events, args.tenants)
    seeded = time.perf_counter() - started
    print(f"Seeded {args.events} events, {len(made.projects)} projects in {seeded:.1f} s")
    async with owner.connection() as conn:
        await conn.execute("vacuum analyze events")  # as autovacuum would have by then
    for _ in range(args.rounds):
        async with owner.connection() as conn:
            await conn.execute("vacuum projects")  # the last round's dead rows, as autovacuum
        if args.per_event:
            await _timed(owner, store, dataclasses.replace(CATALOG, replay=None), "per event")
        await _timed(owner, store, CATALOG, "rebuild")
    await _check(owner, made)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--tenants", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-event", action="store_true")
    args = parser.parse_args()
    configure_logging("json", "warning")
    asyncio.run(main(args))

"""The projects catalog catching up with one worker process and with two, which share it by
partition (decision 113).

Starts fresh embedded engines in a temporary directory, appends `--events` events of
`--tenants` tenants through the event store's API (each transaction one tenant's creations
of five projects and their renames, tenants in turn), then, `--rounds` times each, empties
the catalog and its checkpoints and times 1 and 2 worker processes (this script with
`--child`, each its own pools) catching up every partition from the start. Prints events/s
for each, the ratio 2/1, and the CPU the workers and PostgreSQL spent (psutil): what limits
it. Also the partition read's plan and what the partition index costs an append.

Run: .venv/bin/python benchmarks/partitions.py --events 50000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

from ossature.kernel.config import Settings
from ossature.kernel.consumers import ProjectionRunner
from ossature.kernel.context import Actor, Context, Grant
from ossature.kernel.database import Database
from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.kernel.logging import configure_logging
from ossature.kernel.relay import PARTITIONS
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.modules.projects.commands.rename_project import ProjectRenamed
from ossature.runtime.application import Application
from ossature.runtime.contexts import internal_context
from ossature.runtime.endpoints import engines
from ossature.runtime.migrate import database_url_for
from ossature.runtime.system import _BATCH_READER, _STORE_READER, System

CATALOG = "projects-catalog"
PROJECTS_EACH = 5  # per transaction: their creations, then their renames


@dataclass(frozen=True)
class Run:
    """One catch-up: the workers, its wall time, and the CPU seconds each side spent."""

    workers: int
    seconds: float
    worker_cpu: float
    postgres_cpu: float
    applied: int
    host_busy: float  # percent of every core, any process's
    load: float  # the host's load average over the last minute, at the end


async def main(events: int, tenants: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="ossature-partitions-") as var:
        settings = Settings.from_env({"OSSATURE_VAR_DIR": var})
        with engines(settings) as endpoints:
            system = System(settings, endpoints)
            await system.start(roles=())
            try:
                await _measure(system, events, tenants, rounds)
            finally:
                await system.stop()


async def _measure(system: System, events: int, tenants: int, rounds: int) -> None:
    assert system.secrets is not None
    roles = system.secrets.database_roles
    urls = [
        database_url_for(system.owner_url, role, roles[role])
        for role in ("ossature_worker", "ossature_relay")
    ]
    owner = await Database.connect(system.owner_url, min_size=1, max_size=2)
    try:
        await _load(owner, events, tenants)
        await _append_cost(owner)
        async with owner.connection() as conn:
            loaded = int(await conn.fetchval("select count(*) from events"))
        print(f"{loaded:,} events of {tenants + 1} tenants over {PARTITIONS} partitions")
        await _plan(owner)
        postmaster = await _postmaster(owner)
        runs: list[Run] = []
        for _ in range(rounds):
            for workers in (1, 2):
                await _reset(owner)
                runs.append(_catch_up(workers, urls, postmaster))
                _print(runs[-1], loaded)
        _summary(runs, loaded)
    finally:
        await owner.close()


async def _load(owner: Database, events: int, tenants: int) -> None:
    """Append `events` events (at least), a tenant's ten per transaction, tenants in turn."""
    ids = [new_id() for _ in range(tenants)]
    contexts = {t: _context(t) for t in ids}
    store, appended, now = EventStore(), 0, datetime.now(UTC)
    started = time.perf_counter()
    while appended < events:
        for tenant_id in ids:
            async with owner.transaction(tenant_id) as conn:
                await store.append(conn, contexts[tenant_id], tenant_id, now, _projects())
            appended += 2 * PROJECTS_EACH
    elapsed = time.perf_counter() - started
    print(f"loaded in {elapsed:.1f} s ({appended / elapsed:,.0f} events/s appended)")


def _context(tenant_id: str) -> Context:
    """An editor's, as a command of theirs would carry it."""
    grants = (Grant(role="editor", folder_id="folder"),)
    actor = Actor(
        account_id=new_id(), kind="user", tenant_id=tenant_id, mechanism="internal", grants=grants
    )
    return internal_context(actor)


def _projects() -> list[PendingAppend]:
    created = [
        ProjectCreated(project_id=new_id(), folder_id="folder", project_name=f"p{n}")
        for n in range(PROJECTS_EACH)
    ]
    renamed = [
        ProjectRenamed(project_id=c.project_id, new_name=f"{c.project_name}'", previous_name="")
        for c in created
    ]
    return [PendingAppend("project", c.project_id, 0, (c,)) for c in created] + [
        PendingAppend("project", r.project_id, 1, (r,)) for r in renamed
    ]


async def _append_cost(owner: Database, rounds: int = 4, each: int = 50) -> None:
    """What the partition index costs an append: the same appends with it and without it
    (dropped, then made again), in turns, and the partition function's own cost per call."""
    tenant_id = new_id()
    ctx = _context(tenant_id)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for indexed in (True, False):
            await _index(owner, indexed)
            started = time.perf_counter()
            for _ in range(each):
                async with owner.transaction(tenant_id) as conn:
                    await EventStore().append(conn, ctx, tenant_id, datetime.now(UTC), _projects())
            times[indexed].append((time.perf_counter() - started) / (each * 2 * PROJECTS_EACH))
    await _index(owner, True)
    call = "select count(ossature_partition(md5(n::text), 16))"
    per_call = (await _timed(owner, call) - await _timed(owner, "select count(md5(n::text))")) / 1e5
    print(
        f"append, wall per event (10 a transaction), medians:"
        f" {1e6 * statistics.median(times[True]):.0f} µs with the partition index,"
        f" {1e6 * statistics.median(times[False]):.0f} µs without;"
        f" ossature_partition {1e6 * per_call:.1f} µs a call"
    )


async def _index(owner: Database, present: bool) -> None:
    async with owner.connection() as conn:
        if present:
            await conn.execute(
                "create index if not exists events_by_partition on events"
                " (ossature_partition(tenant_id, 16), transaction_id, position)"
            )
        else:
            await conn.execute("drop index if exists events_by_partition")


async def _timed(owner: Database, select: str) -> float:
    """The wall time of `select` over 100,000 numbers n, best of three."""
    async with owner.connection() as conn:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            await conn.fetchval(f"{select} from generate_series(1, 100000) as n")
            best = min(best, time.perf_counter() - started)
        return best


async def _plan(owner: Database) -> None:
    """The partition read's plan: served by the partition index, in order."""
    from ossature.kernel._eventstore_sql import _READ_PARTITION

    async with owner.connection() as conn:
        plan = await conn.fetch(
            f"explain (analyze, costs off) {_READ_PARTITION}",
            "0",
            0,
            200,
            ["project-created", "project-renamed"],
            3,
        )
    lines = [r[0] for r in plan]
    used = any("events_by_partition" in line for line in lines)
    took = next((line for line in lines if line.startswith("Execution Time")), "")
    print(f"partition read of 200: index used: {used}; {took}")


async def _postmaster(owner: Database) -> psutil.Process:
    async with owner.connection() as conn:
        backend = await conn.fetchval("select pg_backend_pid()")
    parent = psutil.Process(backend).parent()
    assert parent is not None
    return parent


async def _reset(owner: Database) -> None:
    async with owner.connection() as conn:
        await conn.execute("delete from projects")
        await conn.execute(
            "delete from projection_checkpoints where projection like $1", f"{CATALOG}%"
        )
        await conn.execute("vacuum analyze projects")


def _catch_up(workers: int, urls: list[str], postmaster: psutil.Process) -> Run:
    """Start `workers` processes, ready on their pools; then go, and wait for all to finish."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", *urls],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(workers)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    before = _cpu_of(postmaster.children())
    psutil.cpu_percent()
    started = time.perf_counter()
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    applied = sum(int(_line(child).split()[1]) for child in children)
    seconds = time.perf_counter() - started
    host_busy = psutil.cpu_percent()
    worker_cpu = sum(_cpu(psutil.Process(child.pid)) for child in children)
    after = _cpu_of(postmaster.children())
    postgres_cpu = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    for child in children:
        assert child.stdin is not None
        child.stdin.write("exit\n")
        child.stdin.flush()
        child.wait()
    load = os.getloadavg()[0]
    return Run(workers, seconds, worker_cpu, postgres_cpu, applied, host_busy, load)


def _line(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    return child.stdout.readline()


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _cpu_of(processes: list[psutil.Process]) -> dict[int, float]:
    found = {}
    for process in processes:
        try:
            found[process.pid] = _cpu(process)
        except psutil.NoSuchProcess:
            continue
    return found


def _print(run: Run, events: int) -> None:
    print(
        f"{run.workers} worker(s): {events / run.seconds:8,.0f} events/s ({run.seconds:.2f} s;"
        f" {run.applied:,} applied); CPU s: workers {run.worker_cpu:.2f},"
        f" PostgreSQL {run.postgres_cpu:.2f}; the host's {psutil.cpu_count()} cores"
        f" {run.host_busy:.0f}% busy, load {run.load:.1f}"
    )


def _summary(runs: list[Run], events: int) -> None:
    rates = {
        w: statistics.median(events / r.seconds for r in runs if r.workers == w) for w in (1, 2)
    }
    print(
        f"median: 1 worker {rates[1]:,.0f} events/s, 2 workers {rates[2]:,.0f} events/s;"
        f" ratio 2/1 = {rates[2] / rates[1]:.2f}"
    )
    cores = psutil.cpu_count() or 1
    for w in (1, 2):
        mine = [r for r in runs if r.workers == w]
        busy = statistics.median((r.worker_cpu + r.postgres_cpu) / r.seconds for r in mine)
        worker = statistics.median(r.worker_cpu / events for r in mine)
        postgres = statistics.median(r.postgres_cpu / events for r in mine)
        # A worker's catch-up is sequential, it and PostgreSQL taking turns on each batch; and
        # all of them and PostgreSQL share the host's cores.
        bound = min(w, cores) / (worker + postgres)
        print(
            f"{w} worker(s): {busy:.2f} cores busy (workers + PostgreSQL); CPU per event:"
            f" workers {1e6 * worker:.0f} µs, PostgreSQL {1e6 * postgres:.0f} µs; so at most"
            f" {bound:,.0f} events/s on {cores} idle cores"
        )


async def _child(worker_url: str, relay_url: str) -> None:
    """A worker: its pools, the catalog's runner; catch up every partition when told."""
    app = Application.of()
    catalog = app.projection(CATALOG)
    assert catalog is not None
    db = await Database.connect(
        worker_url, min_size=1, max_size=2, stateless=True, settings=_BATCH_READER
    )
    source = await Database.connect(relay_url, min_size=1, max_size=2, settings=_STORE_READER)
    runner = ProjectionRunner(db, source, _NoNats(), catalog, types=app.event_types)
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    applied = await runner.catch_up()
    print(f"done {applied}", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    await db.close()
    await source.close()


class _NoNats:
    """The runner's NATS client: a catch-up alone needs none (no bell rings here)."""

    def jetstream(self) -> None:
        return None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--tenants", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("WORKER_URL", "RELAY_URL"))
    args = parser.parse_args()
    configure_logging("json", "warning")
    if args.child:
        asyncio.run(_child(*args.child))
    else:
        asyncio.run(main(args.events, args.tenants, args.rounds))

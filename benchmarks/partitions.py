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
from pathlib import Path

import psutil
from _partition_store import append_cost, load, plan

from ossature.kernel.config import Settings
from ossature.kernel.consumers import ProjectionRunner
from ossature.kernel.database import Database
from ossature.kernel.logging import configure_logging
from ossature.kernel.relay import PARTITIONS
from ossature.runtime.application import Application
from ossature.runtime.endpoints import engines
from ossature.runtime.migrate import database_url_for
from ossature.runtime.system import _BATCH_READER, _STORE_READER, System

CATALOG = "projects-catalog"


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
        await load(owner, events, tenants)
        await append_cost(owner)
        async with owner.connection() as conn:
            loaded = int(await conn.fetchval("select count(*) from events"))
        print(f"{loaded:,} events of {tenants + 1} tenants over {PARTITIONS} partitions")
        await plan(owner)
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
    done = [_line(child).split() for child in children]  # done, applied, CPU seconds
    seconds = time.perf_counter() - started
    host_busy = psutil.cpu_percent()
    applied = sum(int(line[1]) for line in done)
    worker_cpu = sum(float(line[2]) for line in done)  # the catch-up's, not the start's
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
    cpu = time.process_time()
    applied = await runner.catch_up()
    print(f"done {applied} {time.process_time() - cpu}", flush=True)
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

"""Appends through Ossature's event store against the `eventsourcing` library (9.5.x), one
new event per command, on the same PostgreSQL with the same number of clients.

Starts fresh embedded engines in a temporary directory and Ossature's system on them (no
background role). Then `--rounds` times, alternated: `--clients` asyncio tasks committing
create-project as the pipeline does (benchmarks/_es_ossature.py: the unit of work, the
application's role under row-level security, group commit), and as many threads creating a
project aggregate with the library's `app.save` on its PostgreSQL module
(benchmarks/_es_library.py), in a database of its own on the same server; each for
`--warmup` s, then `--seconds` s counted (who goes first alternates by round). Prints each
side's events/s, p50 and p99 per append, the client's and PostgreSQL's CPU per append, the
ratio, and the events each side stored (counted in its table after the runs: each must
equal the appends it made).

Needs the `bench` extra: .venv/bin/pip install -e '.[bench]'
Run: .venv/bin/python benchmarks/eventsourcing_appends.py [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import _es_library as library
import _es_ossature as ours
import asyncpg
import psutil
from _es_drive import Postgres, Run, Tally, Window
from prometheus_client import REGISTRY

from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.runtime.endpoints import engines
from ossature.runtime.migrate import ensure_database
from ossature.runtime.serving import run
from ossature.runtime.system import System

OSSATURE, LIBRARY = "ossature", "eventsourcing"


@dataclass(frozen=True)
class Options:
    clients: int = 32
    seconds: float = 5.0
    warmup: float = 1.0
    rounds: int = 3
    database: str = "eventsourcing_bench"  # the library's, on the same server
    db_functions: bool = False  # the library's undocumented POSTGRES_ENABLE_DB_FUNCTIONS
    groups: int = 1  # Ossature's group commits, as in that many processes


@dataclass(frozen=True)
class Measured:
    """Every round of both sides, and what each side's table holds: stored (new rows since
    the start) against sent (appends made, warm-ups included)."""

    options: Options
    runs: list[Run]
    stored: dict[str, int]
    groups: tuple[float, float]  # group commit's statements and the commits they wrote

    def of(self, side: str) -> list[Run]:
        return [r for r in self.runs if r.side == side]

    @property
    def ratio(self) -> float | None:
        """Ossature's events/s over the library's, medians of the rounds."""
        return _divided(_median_rate(self.of(OSSATURE)), _median_rate(self.of(LIBRARY)))

    @property
    def persisted(self) -> bool:
        return all(self.stored[side] == sum(r.sent for r in self.of(side)) for side in self.stored)


async def measure(system: System, options: Options) -> Measured:
    """Both sides on `system`'s PostgreSQL, rounds alternated, their tables counted after."""
    appends = await ours.Appends.prepare(system, options.groups)
    library_url = await ensure_database(system.owner_url, options.database)
    env = library.environment(library_url, options.clients, options.db_functions)
    app = library.Projects(env=env)
    postgres = Postgres(await _postmaster(system.owner_url))
    before = {OSSATURE: await appends.stored(), LIBRARY: await _library_stored(library_url)}
    groups = _groups()
    runs: list[Run] = []

    async def side(name: str) -> None:
        window = Window(options.warmup, options.seconds)
        if name == OSSATURE:
            drive = ours.drive(appends, options.clients, window)
        else:
            drive = asyncio.to_thread(library.drive, app, options.clients, window)
        runs.append(await _timed(name, postgres, window, drive))

    try:
        for number in range(options.rounds):  # who goes first alternates too
            for name in (OSSATURE, LIBRARY) if number % 2 == 0 else (LIBRARY, OSSATURE):
                await side(name)
    finally:
        app.close()
    after = {OSSATURE: await appends.stored(), LIBRARY: await _library_stored(library_url)}
    written = tuple(now - then for now, then in zip(_groups(), groups, strict=True))
    stored = {side: after[side] - before[side] for side in after}
    return Measured(options, runs, stored, (written[0], written[1]))


def _groups() -> tuple[float, float]:
    """Group commit's statements so far in this process, and the commits they wrote."""
    sample = REGISTRY.get_sample_value
    return (
        sample("ossature_group_commit_size_count") or 0.0,
        sample("ossature_group_commit_size_sum") or 0.0,
    )


async def _timed(
    side: str, postgres: Postgres, window: Window, drive: Awaitable[list[Tally]]
) -> Run:
    """The side's drive (the window opens when it starts), and the CPU it cost."""
    postgres.begin()
    cpu = time.process_time()
    tallies = await drive
    return Run.of(side, window, tallies, (time.process_time() - cpu, postgres.spent()))


async def _postmaster(url: str) -> psutil.Process:
    """The server's first process: the parent of a backend (asked while it is alive)."""
    conn = await asyncpg.connect(url)
    try:
        postmaster = psutil.Process(await conn.fetchval("select pg_backend_pid()")).parent()
    finally:
        await conn.close()
    assert postmaster is not None
    return postmaster


async def _library_stored(url: str) -> int:
    """The rows of the library's events table (0 before it made the table)."""
    conn = await asyncpg.connect(url)
    try:
        if await conn.fetchval("select to_regclass($1)", library.TABLE) is None:
            return 0
        return int(await conn.fetchval(f"select count(*) from {library.TABLE}"))
    finally:
        await conn.close()


def _median_rate(runs: list[Run]) -> float:
    return statistics.median(r.events_per_second for r in runs)


def _divided(ours: float, theirs: float) -> float | None:
    """A ratio, or None when no append of theirs began in the window (a short run)."""
    return ours / theirs if theirs else None


def _rounded(figure: float | None, digits: int) -> float | None:
    return None if figure is None else round(figure, digits)


def figures(runs: list[Run]) -> dict[str, Any]:
    """One side's figures: medians of its rounds, percentiles over every counted append."""
    pooled = Run(runs[0].side, 1.0, [x for r in runs for x in r.latencies], 1, 0.0, 0.0)
    return {
        "events_per_second": round(_median_rate(runs), 1),
        "events_per_second_by_round": [round(r.events_per_second, 1) for r in runs],
        "p50_ms": _rounded(pooled.percentile(50), 2),
        "p99_ms": _rounded(pooled.percentile(99), 2),
        "client_cpu_ms": round(statistics.median(r.client_ms for r in runs), 3),
        "postgres_cpu_ms": round(statistics.median(r.postgres_ms for r in runs), 3),
        "sent": sum(r.sent for r in runs),
    }


def report(measured: Measured) -> dict[str, Any]:
    """What `--json` prints."""
    pairs = zip(measured.of(OSSATURE), measured.of(LIBRARY), strict=True)
    return {
        "options": vars(measured.options),
        OSSATURE: figures(measured.of(OSSATURE)),
        LIBRARY: figures(measured.of(LIBRARY)),
        "mean_group": round(measured.groups[1] / max(measured.groups[0], 1.0), 1),
        "ratio": _rounded(measured.ratio, 2),
        "ratio_by_round": [
            _rounded(_divided(o.events_per_second, e.events_per_second), 2) for o, e in pairs
        ],
        "stored": measured.stored,
        "persisted": measured.persisted,
    }


def _shown(figure: float | None) -> str:
    return "-" if figure is None else f"{figure:.2f}"


def show(found: dict[str, Any]) -> None:
    options = found["options"]
    print(
        f"{options['clients']} clients, {options['rounds']} rounds of {options['seconds']} s"
        f" (after {options['warmup']} s of warm-up) a side, alternated"
    )
    print("side            events/s    p50 ms   p99 ms   CPU ms/append: client  PostgreSQL")
    for side in (OSSATURE, LIBRARY):
        f = found[side]
        print(
            f"{side:14s} {f['events_per_second']:9.1f} {_shown(f['p50_ms']):>9s}"
            f" {_shown(f['p99_ms']):>8s}"
            f"   {f['client_cpu_ms']:20.3f} {f['postgres_cpu_ms']:11.3f}"
            f"   (by round: {', '.join(f'{x:.0f}' for x in f['events_per_second_by_round'])})"
        )
    print(
        f"ossature ÷ eventsourcing events/s = {_shown(found['ratio'])}"
        f" (by round: {', '.join(_shown(x) for x in found['ratio_by_round'])})"
    )
    for side in (OSSATURE, LIBRARY):
        print(f"{side}: {found['stored'][side]} events stored, {found[side]['sent']} appended")
    print(f"ossature's group commit: {found['mean_group']} commits a statement on average")


async def main(options: Options) -> dict[str, Any]:
    configure_logging("json", "warning", sys.stderr)  # stdout is the figures' (--json)
    with tempfile.TemporaryDirectory(prefix="ossature-eventsourcing-") as var:
        settings = Settings.from_env({"OSSATURE_VAR_DIR": var})
        with engines(settings) as endpoints:
            system = System(settings, endpoints)
            await system.start(roles=())
            try:
                return report(await measure(system, options))
            finally:
                await system.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=Options.clients)
    parser.add_argument("--seconds", type=float, default=Options.seconds)
    parser.add_argument("--warmup", type=float, default=Options.warmup)
    parser.add_argument("--rounds", type=int, default=Options.rounds)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--db-functions",
        action="store_true",
        help="the library's insert as one function call (its POSTGRES_ENABLE_DB_FUNCTIONS)",
    )
    parser.add_argument(
        "--groups",
        type=int,
        default=1,
        help="Ossature's clients split over this many group commits (one per process)",
    )
    args = parser.parse_args()
    options = Options(
        args.clients,
        args.seconds,
        args.warmup,
        args.rounds,
        db_functions=args.db_functions,
        groups=args.groups,
    )
    found = run(main(options))
    print(json.dumps(found, indent=2)) if args.json else show(found)
    if not found["persisted"]:
        raise SystemExit("a side stored another number of events than it appended")

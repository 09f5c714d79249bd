"""benchmarks/eventsourcing_appends.py: each side really stores one event per append it
counts, Ossature's in the event store and the library's in its own table."""

from __future__ import annotations

import asyncio
import importlib
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import asyncpg
import pytest

from ossature.runtime.system import System
from tests.integration.conftest import Fresh

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
CLIENTS = 4


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The script, imported as it runs: its helpers are modules beside it."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("eventsourcing_appends")


async def _rows(url: str, sql: str, *args: object) -> asyncpg.Record:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


async def test_ossature_side_stores_a_new_stream_per_append(
    system: System, bench: ModuleType
) -> None:
    """Each commit the clients count is one project-created event of a stream of its own,
    with its command's idempotency record, in the tenant the side made."""
    appends = await bench.ours.Appends.prepare(system)
    # when
    tallies = await bench.ours.drive(appends, CLIENTS, bench.Window(0.0, 0.5))
    # then
    sent = sum(tally.sent for tally in tallies)
    assert system.db is not None
    async with system.db.transaction(appends.tenant_id, readonly=True) as conn:
        found = await conn.fetchrow(
            "select count(*) as events, count(distinct stream_id) as streams,"
            " (select count(*) from idempotency_records where command = 'create-project')"
            " as records"
            " from events where event_type = 'project-created'"
        )
    assert sent > 0
    assert (sent, sent, sent) == (found["events"], found["streams"], found["records"])


async def test_library_side_stores_a_new_aggregate_per_append(
    fresh: Fresh, bench: ModuleType
) -> None:
    """Each project the library's threads count is one stored event, version 1 of an
    aggregate of its own, in the library's table."""
    url = await fresh()
    app = bench.library.Projects(env=bench.library.environment(url, CLIENTS))
    # when
    try:
        tallies = await asyncio.to_thread(bench.library.drive, app, CLIENTS, bench.Window(0.0, 0.5))
    finally:
        app.close()
    # then
    sent = sum(tally.sent for tally in tallies)
    found = await _rows(
        url,
        "select count(*) as events, count(distinct originator_id) as aggregates,"
        f" max(originator_version) as version from {bench.library.TABLE}",
    )
    assert sent > 0
    assert (sent, sent, 1) == (found["events"], found["aggregates"], found["version"])


async def test_a_short_run_reports_both_sides_persisted(
    system: System, fresh: Fresh, bench: ModuleType
) -> None:
    """The script's own check: after alternated rounds, each side's table holds as many new
    events as the side appended."""
    database = urlsplit(await fresh()).path.lstrip("/")
    options = bench.Options(clients=CLIENTS, seconds=0.3, warmup=0.1, rounds=1, database=database)
    # when
    found = bench.report(await bench.measure(system, options))
    # then
    assert found["persisted"]
    assert found["ossature"]["sent"] == found["stored"]["ossature"] > 0
    assert found["eventsourcing"]["sent"] == found["stored"]["eventsourcing"] > 0


async def test_a_window_closed_before_any_append_still_stores_one_per_client(
    system: System, fresh: Fresh, bench: ModuleType
) -> None:
    """However slow the host, each client makes one append, and a round where none began in
    the window reports no rate, no percentile and no ratio rather than failing."""
    database = urlsplit(await fresh()).path.lstrip("/")
    options = bench.Options(clients=CLIENTS, seconds=0.0, warmup=0.0, rounds=1, database=database)
    # when
    found = bench.report(await bench.measure(system, options))
    # then
    figures = [found[side] for side in ("ossature", "eventsourcing")]
    actual = [(f["sent"], f["events_per_second"], f["p50_ms"], f["p99_ms"]) for f in figures]
    assert [(CLIENTS, 0.0, None, None)] * 2 == actual
    assert (found["ratio"], found["ratio_by_round"]) == (None, [None])
    assert {"ossature": CLIENTS, "eventsourcing": CLIENTS} == found["stored"]
    bench.show(found)

"""Time the chart's query over years of daily data for many login sources.

Starts embedded engines in a temporary var directory, makes one tenant with
SOURCES login sources holding a count for every day of YEARS years, then times
`count-source-logins-per-day` through the pipeline (authorization, audit and all)
for a random source over one year and over the whole span, and the same read as
bare SQL. Reports medians and 99th percentiles; asserts nothing.

Run: .venv/bin/python benchmarks/login_series.py [--sources 1000] [--years 10] [--calls 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import asyncpg

from ossature.kernel.config import Settings
from ossature.kernel.context import Actor
from ossature.kernel.logging import configure_logging
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.scheduler import analytics_actor
from ossature.runtime.system import System

LAST_DAY = date(2025, 12, 31)
Call = Callable[[], Awaitable[object]]

_SOURCES = """insert into login_sources (tenant_id, name, kind, sealed_location, schedule,
    configured_at) select $1, 'source-' || s, 'sqlite', 'v1.none', '0 3 * * *', now()
    from generate_series(1, $2) s"""
_DAYS = """insert into source_login_days (tenant_id, source_name, day, logins)
    select $1, 'source-' || s, d::date, (random() * 200)::int
    from generate_series(1, $2) s, generate_series($3::date, $4::date, '1 day') d"""
_READ = """select day, logins from source_login_days
    where tenant_id = $1 and source_name = $2 and day between $3 and $4"""


async def fill(owner_url: str, tenant_id: str, sources: int, first: date) -> float:
    """Write the sources and their daily counts as the owner; the seconds it took."""
    started = time.perf_counter()
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute(_SOURCES, tenant_id, sources)
        await conn.execute(_DAYS, tenant_id, sources, first, LAST_DAY)
        await conn.execute("analyze source_login_days")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def timings(call: Call, calls: int) -> tuple[float, float]:
    """Median and 99th percentile, in milliseconds."""
    spent = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), statistics.quantiles(spent, n=100)[98]


def pipeline_query(system: System, actor: Actor, sources: int, start: date) -> Call:
    """One `count-source-logins-per-day` of a random source, from `start` to the last day."""
    assert system.pipeline is not None
    pipeline, span = system.pipeline, {"from": start.isoformat(), "to": LAST_DAY.isoformat()}

    async def query() -> object:
        payload = {"source": f"source-{random.randint(1, sources)}", **span}
        ctx = internal_context(actor)
        result = await pipeline.invoke("query", "count-source-logins-per-day", payload, ctx)
        assert result.status == 200, result.error
        return result

    return query


def bare_query(system: System, tenant_id: str, sources: int, start: date) -> Call:
    """The same read as bare SQL."""
    assert system.db is not None
    db = system.db

    async def bare() -> object:
        source = f"source-{random.randint(1, sources)}"
        async with db.transaction(tenant_id, readonly=True) as conn:
            return await conn.fetch(_READ, tenant_id, source, start, LAST_DAY)

    return bare


async def measure(system: System, sources: int, years: int, calls: int) -> None:
    assert system.pipeline is not None
    operator = internal_context(OPERATOR)
    payload = {"slug": "bench", "displayName": "bench"}
    made = await system.pipeline.invoke("command", "create-tenant", payload, operator)
    tenant_id, root = made.body["tenantId"], made.body["rootFolderId"]
    first = LAST_DAY - timedelta(days=365 * years - 1)
    filled = await fill(system.owner_url, tenant_id, sources, first)
    rows = sources * ((LAST_DAY - first).days + 1)
    print(f"{sources} sources x {years} years = {rows:,} daily rows, written in {filled:.1f} s")
    actor = analytics_actor(tenant_id, root, "benchmark")
    for label, start in (("1 year", LAST_DAY - timedelta(364)), (f"{years} years", first)):
        query = pipeline_query(system, actor, sources, start)
        await timings(query, 20)
        for name, call in (
            ("count-source-logins-per-day", query),
            ("bare SQL", bare_query(system, tenant_id, sources, start)),
        ):
            p50, p99 = await timings(call, calls)
            print(f"  {label:>8}  {name:<28} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")


async def run(
    settings: Settings, endpoints: Endpoints, sources: int, years: int, calls: int
) -> None:
    system = System(settings, endpoints)
    await system.start(roles=())
    try:
        await measure(system, sources, years, calls)
    finally:
        await system.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    configure_logging("json", "error")
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env({"OSSATURE_VAR_DIR": folder})
        with engines(settings) as endpoints:
            asyncio.run(run(settings, endpoints, args.sources, args.years, args.calls))


if __name__ == "__main__":
    main()

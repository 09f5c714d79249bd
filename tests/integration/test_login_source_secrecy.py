"""A source's location is a secret: no answer, event, audit entry, record or log line holds it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest

from ossature.kernel.ids import new_id
from ossature.kernel.logging import configure_logging
from ossature.runtime.pipeline import Result
from ossature.runtime.system import System
from tests.integration._catalog import tenant_tables
from tests.integration._django import PostgresApp, SqliteApp
from tests.integration.analytics_support import at, configure, extract, sources_dir, terms_accepted
from tests.integration.support import Tenant


@pytest.fixture(autouse=True)
async def _terms(tenant: Tenant) -> None:
    """Analytics asks its users to accept its terms: the tenant's people have."""
    await terms_accepted(tenant)


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Every log line of the process, at debug level, for the length of the test."""
    captured = io.StringIO()
    configure_logging("json", "debug", stream=captured)
    try:
        yield captured
    finally:
        configure_logging("json", "warning")


def _answer(result: Result) -> dict[str, Any]:
    error = result.error
    return {"body": result.body, "error": error and (error.key, error.params)}


async def _stored(system: System, tenant: Tenant) -> dict[str, str]:
    """Every row of every table holding a tenant id that the tenant may read, as text, by
    table: the tables come from the catalog, so a new one is searched too."""
    assert system.db is not None and system.audit is not None
    await system.audit.flush()
    async with system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        tables = [row["name"] for row in await tenant_tables(conn)]
        return {
            table: str(
                await conn.fetchval(f"select coalesce(json_agg(t)::text, '') from {table} t")
            )
            for table in tables
        }


async def _exercise(system: System, tenant: Tenant, pg: PostgresApp, path: str) -> list[Result]:
    """Configure, extract, fail and be refused, with locations that hold the markers."""
    app = SqliteApp(sources_dir(system) / path)
    app.add_user("ann@app.test")
    app.log_in("ann@app.test", at(1))
    return [
        await configure(tenant, "crm", str(app.path)),
        await extract(tenant, "crm"),
        await configure(tenant, "billing", pg.location, "postgresql"),
        await extract(tenant, "billing"),
        await configure(tenant, "crm", str(app.path), schedule="5 4 * * *"),
        await configure(tenant, "other", f"/srv/{path}", "sqlite"),
        await configure(tenant, "other", _with_sslrootcert(pg.location), "postgresql"),
    ]


def _with_sslrootcert(location: str) -> str:
    """The location asking the server to read a file: refused (a socket URL has a query)."""
    return f"{location}{'&' if '?' in location else '?'}sslrootcert=x"


async def test_a_location_never_leaves_the_configuration(
    system: System, tenant: Tenant, logs: io.StringIO
) -> None:
    """Answers, errors, events, audit entries, idempotency records and logs hold no location."""
    marker = f"marker-{new_id().lower()}"
    pg = PostgresApp(system.endpoints.owner_database_url)  # its database never exists: unreachable
    pg.name, pg.reader = f"{marker}_db", f"{marker}_role"
    results = await _exercise(system, tenant, pg, f"{marker}/app.sqlite3")
    answers = msgspec.json.encode([_answer(r) for r in results]).decode()
    places = {"answers": answers, "logs": logs.getvalue(), **await _stored(system, tenant)}
    assert [200, 200, 200, 503, 200, 422, 422] == [r.status for r in results]
    leaks = [name for name, text in places.items() if marker in text or "reader-password" in text]
    assert [] == leaks
    assert "run-login-extract" in places["logs"] and "sealedLocation" in places["events"]
    assert [] == list((system.settings.var_dir / "analytics" / "staging").iterdir())

"""Login extracts on the real engines: exact daily counts, idempotent and crash-safe appends."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ossature.modules.analytics.service import LoginSources
from ossature.runtime.system import System
from tests.integration._django import PostgresApp, SqliteApp
from tests.integration.analytics_support import (
    appended,
    at,
    configure,
    datastore,
    extract,
    fresh_path,
    series,
    terms_accepted,
)
from tests.integration.support import Tenant


@pytest.fixture(autouse=True)
async def _terms(tenant: Tenant) -> None:
    """Analytics asks its users to accept its terms: the tenant's people have."""
    await terms_accepted(tenant)


MARCH_1, MARCH_5 = date(2026, 3, 1), date(2026, 3, 5)


class Crash(Exception):
    """Stands for the process dying between two steps of an append."""


def crash_at(step: str):  # type: ignore[no-untyped-def]
    async def checkpoint(reached: str) -> None:
        if reached == step:
            raise Crash(step)

    return checkpoint


def services(system: System) -> LoginSources:
    assert system.pipeline is not None
    return system.pipeline.services[LoginSources]  # type: ignore[return-value]


@pytest.fixture
def app(system: System) -> SqliteApp:
    """A Django-like SQLite app in the allowed directory, with four users, none logged in yet."""
    made = SqliteApp(fresh_path(system))
    for email in ("ann@app.test", "bob@app.test", "cat@app.test", "dan@app.test"):
        made.add_user(email)
    return made


async def test_logins_over_several_days_are_counted_exactly(tenant: Tenant, app: SqliteApp) -> None:
    """Each extract counts the users whose last login is new or moved forward, on its UTC day."""
    assert 200 == (await configure(tenant, "crm", str(app.path))).status
    app.log_in("ann@app.test", at(1, 8))
    app.log_in("ann@app.test", at(1, 17))
    app.log_in("bob@app.test", at(1, 9))
    app.log_in("cat@app.test", at(1, 23, 59, 59))
    first = await appended(tenant, "crm")
    app.log_in("ann@app.test", at(2, 7))
    app.log_in("bob@app.test", at(2, 10))
    app.log_in("bob@app.test", at(2, 12))
    app.add_user("eve@app.test")
    app.log_in("eve@app.test", at(2, 11))
    second = await appended(tenant, "crm")
    nothing_new = await appended(tenant, "crm")
    app.log_in("cat@app.test", at(4, 0))
    app.log_in("dan@app.test", at(4, 13))
    fourth = await appended(tenant, "crm")
    assert (3, 3, 0, 2) == (first, second, nothing_new, fourth)
    assert [3, 3, 0, 2, 0] == await series(tenant, "crm", MARCH_1, MARCH_5)


async def test_a_postgresql_source_is_read_through_a_read_only_url(
    system: System, tenant: Tenant
) -> None:
    """A PostgreSQL database on an allowed server is counted like a SQLite one, in UTC days."""
    source = PostgresApp(system.endpoints.owner_database_url)
    await source.create()
    for email in ("ann@pg.test", "bob@pg.test"):
        await source.add_user(email)
    assert 200 == (await configure(tenant, "billing", source.location, "postgresql")).status
    await source.log_in(
        "ann@pg.test", datetime(2026, 3, 2, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    )
    await source.log_in("bob@pg.test", at(2, 9))
    first = await appended(tenant, "billing")
    await source.log_in("ann@pg.test", at(3, 9))
    second = await appended(tenant, "billing")
    assert (2, 1) == (first, second)
    assert [1, 1, 1, 0, 0] == await series(tenant, "billing", MARCH_1, MARCH_5)


async def test_a_repeated_extract_changes_nothing(
    system: System, tenant: Tenant, app: SqliteApp
) -> None:
    """Running the same extract again appends nothing and leaves the datastore as it was."""
    await configure(tenant, "crm", str(app.path))
    app.log_in("ann@app.test", at(1, 8))
    await appended(tenant, "crm")
    before = await datastore(system, tenant, "crm")
    again = await appended(tenant, "crm")
    assert (0, before) == (again, await datastore(system, tenant, "crm"))


@pytest.mark.parametrize("step", ["logins-appended", "days-counted", "users-updated"])
async def test_an_extract_interrupted_midway_changes_nothing_and_reruns_exactly(
    system: System, tenant: Tenant, app: SqliteApp, step: str
) -> None:
    """A crash between two steps of an append leaves no trace; the rerun counts each login once."""
    await configure(tenant, "crm", str(app.path))
    app.log_in("ann@app.test", at(1, 8))
    await appended(tenant, "crm")
    app.log_in("ann@app.test", at(2, 8))
    app.log_in("bob@app.test", at(2, 9))
    before = await datastore(system, tenant, "crm")
    crashing = services(system).crashing_at(crash_at(step))
    with pytest.raises(Crash):
        await crashing.extract(system.db, tenant.tenant_id, "crm", datetime.now(UTC))
    assert before == await datastore(system, tenant, "crm")
    assert 2 == await appended(tenant, "crm")
    assert [1, 2, 0, 0, 0] == await series(tenant, "crm", MARCH_1, MARCH_5)


async def test_concurrent_extracts_of_one_source_count_each_login_once(
    tenant: Tenant, app: SqliteApp
) -> None:
    """Five extracts at once (a scheduler and the CLI, say) append each new login once in all."""
    await configure(tenant, "crm", str(app.path))
    for n, email in enumerate(("ann@app.test", "bob@app.test", "cat@app.test")):
        app.log_in(email, at(1, 8 + n))
    results = await asyncio.gather(*(extract(tenant, "crm") for _ in range(5)))
    assert {200} == {r.status for r in results}
    assert 3 == sum(r.body["appended"] for r in results)
    assert [3, 0, 0, 0, 0] == await series(tenant, "crm", MARCH_1, MARCH_5)


async def test_an_address_is_one_user_whatever_its_case(tenant: Tenant, system: System) -> None:
    """Addresses are trimmed and lower-cased, then hashed with the salt: two spellings, one user."""
    app = SqliteApp(fresh_path(system))
    app.add_user("Ann@App.test ")
    app.add_user("ann@app.test")
    app.log_in("Ann@App.test ", at(1, 8))
    app.log_in("ann@app.test", at(1, 9))
    await configure(tenant, "crm", str(app.path))
    assert 1 == await appended(tenant, "crm")
    stored = await datastore(system, tenant, "crm")
    unsalted = hashlib.sha256(b"ann@app.test").hexdigest()
    assert [at(1, 9)] == [last for _, last in stored["users"]]
    assert unsalted not in {user for user, _ in stored["users"]}


async def test_a_copy_left_by_a_killed_extract_is_swept_by_the_next_one(
    system: System, tenant: Tenant, app: SqliteApp
) -> None:
    """Staged copies hold addresses: an old leftover goes, a copy in use by another run stays."""
    staging = services(system).staging
    staging.mkdir(parents=True, exist_ok=True)
    old, in_use = staging / "left-by-a-killed-run.sqlite3", staging / "being-read-now.sqlite3"
    for leftover in (old, in_use):
        leftover.write_bytes(b"addresses")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    await configure(tenant, "crm", str(app.path))
    await appended(tenant, "crm")
    assert [in_use] == list(staging.iterdir())
    in_use.unlink()

"""The scheduler role: due extracts run once, through the pipeline, and failures are retried."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from ossature.modules.analytics.schedule import claim_due
from ossature.runtime.pipeline import Result
from ossature.runtime.scheduler import Scheduler
from ossature.runtime.system import System
from tests.integration._django import SqliteApp
from tests.integration.analytics_support import (
    at,
    configure,
    fresh_path,
    source_info,
    terms_accepted,
)
from tests.integration.support import Tenant


@pytest.fixture(autouse=True)
async def _terms(tenant: Tenant) -> None:
    """Analytics asks its users to accept its terms: the tenant's people have."""
    await terms_accepted(tenant)


async def next_run(tenant: Tenant, name: str) -> datetime:
    return datetime.fromisoformat((await source_info(tenant, name))["nextRunAt"])


async def tick(system: System, tenant: Tenant, now: datetime) -> dict[str, Result]:
    """Run the scheduler once at `now`; the results for this tenant's sources."""
    assert system.pipeline is not None
    results = await Scheduler(system.scheduler_db, system.pipeline).tick(now)
    return {due.source: result for due, result in results if due.tenant_id == tenant.tenant_id}


async def test_a_due_extract_runs_and_moves_to_its_next_run(system: System, tenant: Tenant) -> None:
    """At its time, a source's extract runs as the scheduler's service actor; then it waits a year."""
    app = SqliteApp(fresh_path(system))
    app.add_user("ann@app.test")
    app.log_in("ann@app.test", at(1))
    await configure(tenant, "crm", str(app.path), schedule="0 0 1 1 *")
    due = await next_run(tenant, "crm")
    ran = await tick(system, tenant, due)
    moved = await next_run(tenant, "crm")
    assert (200, 1) == (ran["crm"].status, ran["crm"].body["appended"])
    assert (due.year + 1, 1, 1) == (moved.year, moved.month, moved.day)


async def test_a_source_not_yet_due_is_left_alone(system: System, tenant: Tenant) -> None:
    """A second before its time, a source is neither run nor moved."""
    await configure(tenant, "crm", str(fresh_path(system)))
    due = await next_run(tenant, "crm")
    ran = await tick(system, tenant, due - timedelta(seconds=1))
    assert ({}, due) == (ran, await next_run(tenant, "crm"))


async def test_two_schedulers_claim_one_due_run_once(system: System, tenant: Tenant) -> None:
    """Schedulers in two processes, claiming at once, share the due runs without overlap."""
    await configure(tenant, "crm", str(fresh_path(system)))
    due = await next_run(tenant, "crm")
    first, second = await asyncio.gather(
        claim_due(system.scheduler_db, due), claim_due(system.scheduler_db, due)
    )
    claimed = [d for d in first + second if d.tenant_id == tenant.tenant_id]
    assert ["crm"] == [d.source for d in claimed]


async def test_a_failed_scheduled_run_is_retried_at_the_next_one(
    system: System, tenant: Tenant
) -> None:
    """A run that finds no source fails with its key; the next run, once the file exists, succeeds."""
    path = fresh_path(system)
    await configure(tenant, "crm", str(path))
    failed = await tick(system, tenant, await next_run(tenant, "crm"))
    app = SqliteApp(path)
    app.add_user("ann@app.test")
    app.log_in("ann@app.test", at(1))
    retried = await tick(system, tenant, await next_run(tenant, "crm"))
    assert (503, "analytics.source-unreachable") == (failed["crm"].status, failed["crm"].error.key)
    assert (200, 1) == (retried["crm"].status, retried["crm"].body["appended"])

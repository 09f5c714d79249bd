"""Each filter combination of list-audit-entries walks an index, under the generic plans the
application keeps (decision 17), on a tenant with a few thousand entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any

import pytest

from ossature.kernel.ids import new_id
from ossature.modules.audit._filters import Filters, Page, page_statement, upper_bound
from tests.integration.support import Tenant, plan_nodes

ENTRIES = 4000


def _entry(tenant_id: str, number: int, start: datetime) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "invocation_id": new_id(),
        "kind": "query",
        "name": f"query-{number % 30}",
        "actor_id": f"actor-{number % 20}",
        "outcome": "denied" if number % 50 == 0 else "allowed",
        "status": 403 if number % 50 == 0 else 200,
        "message_key": None,
        "context": {},
        "recorded_at": (start + timedelta(minutes=10 * number)).isoformat(),
        "repeat_of": None,
    }


@pytest.fixture
async def crowded(tenant: Tenant) -> Tenant:
    """The tenant with ENTRIES entries over four weeks, written as the audit writer does."""
    assert tenant.system.db is not None
    start = datetime.now(UTC) - timedelta(days=28)
    entries = [_entry(tenant.tenant_id, number, start) for number in range(ENTRIES)]
    async with tenant.system.db.connection() as conn:
        await conn.execute("select audit_append($1::jsonb)", entries)
    return tenant


async def _walked(tenant: Tenant, filters: Filters, page: Page) -> tuple[set[str], set[str]]:
    """What the statement's generic plan reads audit_entries with: the scans (a plain or a
    bitmap index scan, or a sequential one) and the indexes they walk. Whether the planner
    walks the index directly or through a bitmap depends on the table's statistics, which
    other tests' entries change: both walk the same index."""
    statement, arguments = page_statement(filters, page)
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        await conn.execute("set local plan_cache_mode = force_generic_plan")
        found = await conn.fetchval(f"explain (format json) {statement}", *arguments)
    plan = (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]
    nodes = plan_nodes(plan)
    scans = {node["Node Type"] for node in nodes if node.get("Relation Name") == "audit_entries"}
    return scans, {node["Index Name"] for node in nodes if "Index Name" in node}


async def test_every_filter_combination_walks_an_index(crowded: Tenant) -> None:
    """Actor, name, outcome, each present or not, with and without a date range: no
    sequential scan; the index walked is the most selective filter's."""
    today = datetime.now(UTC).date()
    seen, expected = [], []
    for actor, name, outcome, ranged in product(
        (None, "actor-3"), (None, "query-7"), (None, "denied"), (False, True)
    ):
        page = Page(
            today - timedelta(days=7) if ranged else None,
            upper_bound(today if ranged else None, None),
            101,
        )
        scans = await _walked(crowded, Filters(actor, name, outcome), page)
        lead = "actor_" if actor else "name_" if name else "outcome_" if outcome else ""
        assert "Seq Scan" not in scans[0], (actor, name, outcome, ranged)
        seen.append(scans[1])
        expected.append({f"audit_by_{lead}time"})
    assert expected == seen

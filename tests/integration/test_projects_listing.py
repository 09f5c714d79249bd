"""list-projects on the real PostgreSQL: each way of listing has a plan made once and reused."""

from __future__ import annotations

from typing import Any

from ossature.modules.projects.queries import _LIST_IN
from ossature.runtime.system import System
from tests.integration.support import Tenant


async def test_listing_one_folder_reaches_its_projects_by_the_folder_index_in_a_generic_plan(
    system: System, tenant: Tenant
) -> None:
    """The plan PostgreSQL keeps for every call looks the folder's projects up by its id, not
    by scanning the tenant's projects and filtering (which made it re-plan every call)."""
    france, root = tenant.folders["France"], tenant.folders["Global"]
    async with system.db.transaction(tenant.tenant_id) as conn:
        await conn.execute("set local plan_cache_mode = force_generic_plan")
        await conn.execute("set local enable_seqscan = off")  # as if the table were large
        await conn.execute(f"prepare listing_in (text[], text) as {_LIST_IN}")
        try:
            explained = f"explain (format json) execute listing_in ('{{{root}}}', '{france}')"
            plan = await conn.fetchval(explained)  # ids are ULIDs: nothing to quote
        finally:
            await conn.execute("deallocate listing_in")
    scans = [node for node in _nodes(plan[0]["Plan"]) if node.get("Relation Name") == "projects"]
    expected = [("projects_by_folder", True)]

    actual = [(scan.get("Index Name"), "$2" in scan.get("Index Cond", "")) for scan in scans]

    assert expected == actual


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node] + [found for child in node.get("Plans", []) for found in _nodes(child)]

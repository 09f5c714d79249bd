"""list-projects on the real PostgreSQL: one statement, each way of listing with a plan
made once and reused."""

from __future__ import annotations

import json
import os
from typing import Any

import asyncpg

from ossature.runtime.system import System
from tests.integration.support import Tenant


async def test_listing_one_folder_reaches_its_projects_by_the_folder_index_in_a_generic_plan(
    system: System, tenant: Tenant
) -> None:
    """The plan PostgreSQL keeps for every call of projects_list's one-folder query looks
    the folder's projects up by its id, not by scanning the tenant's projects and filtering
    (which made it re-plan every call). The plan of the query inside the function is read
    with auto_explain, sent back as a notice."""
    france, root = tenant.folders["France"], tenant.folders["Global"]
    plans = await _nested_plans(
        system,
        "select * from projects_list(ossature_confine($1, ''), $2, $3, false)",
        tenant.tenant_id,
        [root],
        france,
    )
    listing = [plan for plan in plans if "p.folder_id = p_folder" in plan["Query Text"]]
    scans = [
        node
        for plan in listing
        for node in _nodes(plan["Plan"])
        if node.get("Relation Name") == "projects"
    ]
    expected = [("projects_by_folder", True)]

    actual = [(scan.get("Index Name"), "$" in scan.get("Index Cond", "")) for scan in scans]

    assert expected == actual


async def _nested_plans(system: System, statement: str, *args: Any) -> list[dict[str, Any]]:
    """The plans of every statement `statement` runs, as the application's role would run
    them (generic plans kept, sequential scans priced as if the tables were large)."""
    notices: list[str] = []
    # auto_explain is a superuser's tool; external engines name one for the tests.
    owner = await asyncpg.connect(os.environ.get("OSSATURE_TEST_SUPERUSER_URL", system.owner_url))
    owner.add_log_listener(lambda _, message: notices.append(message.message))
    try:
        await owner.execute(
            "load 'auto_explain';"
            " set auto_explain.log_min_duration = 0;"
            " set auto_explain.log_nested_statements = on;"
            " set auto_explain.log_format = json;"
            " set auto_explain.log_level = notice;"
            " set plan_cache_mode = force_generic_plan;"
            " set enable_seqscan = off;"
            " set role ossature_app"
        )
        await owner.fetch(statement, *args)
    finally:
        await owner.close()
    return [json.loads(notice.split("\n", 1)[1]) for notice in notices if "plan:" in notice]


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node] + [found for child in node.get("Plans", []) for found in _nodes(child)]

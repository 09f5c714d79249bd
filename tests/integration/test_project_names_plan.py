"""The saga `project-names` reads the holders of a run's names by probing its index, one
name at a time, however long the run and however many names the tenant holds: read as a
join, a long run made the planner scan and hash every name of the tenant."""

from __future__ import annotations

import json

from ossature.kernel.ids import new_id
from ossature.modules.projects.names import _HOLDERS
from tests.integration.support import Tenant, plan_nodes

NAMES = 3000  # held in one folder
RUN = 200  # a run as long as a runner's batch


async def test_a_long_run_in_a_crowded_folder_probes_the_index(tenant: Tenant) -> None:
    """Every read of project_names walks `project_names_claimed`; none scans the table, and
    the statement finds the holder of a name that is held."""
    db, folder = tenant.system.worker_db, tenant.folders["EU"]
    assert db is not None
    held = [(new_id(), f"name {n}") for n in range(NAMES)]
    async with db.transaction(tenant.tenant_id) as conn:
        await conn.executemany(
            "insert into project_names (tenant_id, project_id, folder_id, name, name_key)"
            " values ($1, $2, $3, $4, lower($4))",
            [(tenant.tenant_id, project, folder, name) for project, name in held],
        )
        await conn.execute("analyze project_names")
    keys = ["name 7", *(f"free {n}" for n in range(RUN - 1))]
    async with db.transaction(tenant.tenant_id, readonly=True) as conn:
        found = await conn.fetch(_HOLDERS, [folder] * RUN, keys)
        plan = await conn.fetchval(f"explain (format json) {_HOLDERS}", [folder] * RUN, keys)
    assert [(folder, "name 7", held[7][0])] == [tuple(row) for row in found]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    reads = [n for n in plan_nodes(plan[0]["Plan"]) if n.get("Relation Name") == "project_names"]
    assert reads, "the statement reads project_names"
    assert {"Index Scan", "Index Only Scan"} >= {n["Node Type"] for n in reads}
    assert {"project_names_claimed"} == {n["Index Name"] for n in reads}

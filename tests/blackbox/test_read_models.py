"""Read models of a running system: a late commit is not skipped, a rebuild reproduces them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from ossature.kernel.eventstore import EventStore, PendingAppend
from ossature.kernel.ids import new_id
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.runtime.contexts import internal_context, tenant_service
from tests.blackbox._api import System, Tenant, TokenFor, call, eventually, new_ulid, run_cli


async def _project_names(http: httpx.AsyncClient, token: str) -> dict[str, str]:
    listed = await call(http, "queries/list-projects", {}, token)
    assert 200 == listed.status_code, listed.text
    return {p["projectId"]: p["name"] for p in listed.json()["projects"]}


async def test_a_late_commit_reaches_the_read_model(
    system: System, http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, owner: Any
) -> None:
    """A project whose transaction commits after a later one still appears in list-projects."""
    token = await token_for("admin@acme")
    late_id = new_id()
    actor = tenant_service(acme.tenant_id, acme.folders["Global"])
    created = ProjectCreated(
        project_id=late_id, folder_id=acme.folders["France"], project_name="Late"
    )
    slow = owner.transaction()
    await slow.start()
    await EventStore().append(
        owner,
        internal_context(actor),
        acme.tenant_id,
        datetime.now(UTC),
        [PendingAppend("project", late_id, 0, (created,))],
    )
    answer = await call(
        http,
        "commands/create-project",
        {"folderId": acme.folders["France"], "name": "Early"},
        token,
        {"Idempotency-Key": new_ulid()},
    )
    early_id = answer.json()["projectId"]  # committed while the late one is still open
    await slow.commit()
    names = await eventually(
        lambda: _project_names(http, token), lambda names: {early_id, late_id} <= names.keys()
    )
    assert ("Early", "Late") == (names[early_id], names[late_id])


async def test_a_rebuild_on_the_running_system_reproduces_the_read_model(
    system: System, http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, owner: Any
) -> None:
    """`ossature projections rebuild` beside a running `up` restores a read model lost in full."""
    token = await token_for("admin@acme")
    await call(
        http,
        "commands/rename-project",
        {"projectId": acme.projects["Customer portal"], "name": "Customer portal v2"},
        token,
        {"Idempotency-Key": new_ulid()},
    )
    before = await eventually(
        lambda: _project_names(http, token),
        lambda names: names.get(acme.projects["Customer portal"]) == "Customer portal v2",
    )
    await owner.execute("delete from projects")
    assert {} == await _project_names(http, token)
    rebuilt = run_cli(system, "projections", "rebuild", "projects-catalog")
    assert 0 == rebuilt.returncode, rebuilt.stdout + rebuilt.stderr
    assert "Rebuilt projects-catalog" in rebuilt.stdout
    assert before == await _project_names(http, token)
    assert (await http.get("/health/ready")).status_code == 200

"""get-project-history on the real engines: who by name, what changed, searched and paged."""

from __future__ import annotations

from typing import Any

import pytest

from ossature.runtime.system import System
from tests.integration._push import PushTenant, push_tenant


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


async def _history(acme: PushTenant, who: str, payload: dict[str, Any]) -> Any:
    assert acme.system.pipeline is not None
    result = await acme.system.pipeline.invoke(
        "query", "get-project-history", payload, acme.ctx(who)
    )
    return result


async def _renamed_project(acme: PushTenant) -> str:
    """Apollo, made by the editor, renamed Artemis by the admin, then archived by the editor."""
    made = await acme.command(
        "editor", "create-project", {"folderId": acme.folders["France"], "name": "Apollo"}
    )
    project_id = str(made["projectId"])
    await acme.command("admin", "rename-project", {"projectId": project_id, "name": "Artemis"})
    await acme.command("editor", "archive-project", {"projectId": project_id})
    return project_id


async def test_the_history_names_each_actor_and_what_changed(acme: PushTenant) -> None:
    """Display names come from the accounts; each entry carries its changes and invocation."""
    project_id = await _renamed_project(acme)
    result = await _history(acme, "editor", {"projectId": project_id})
    entries = result.body["entries"]
    assert [
        ("project-created", "Editor", acme.account("editor")),
        ("project-renamed", "Admin", acme.account("admin")),
        ("project-archived", "Editor", acme.account("editor")),
    ] == [(e["eventType"], e["actorName"], e["actorId"]) for e in entries]
    assert ([{"field": "name", "before": "Apollo", "after": "Artemis"}], None, 3) == (
        entries[1]["changes"],
        result.body["next"],
        len({e["invocationId"] for e in entries}),
    )


async def test_the_history_is_searched_by_actor_name_and_changed_value(acme: PushTenant) -> None:
    """`text` keeps the entries whose actor's name or a changed value holds it."""
    project_id = await _renamed_project(acme)
    by_actor = await _history(acme, "editor", {"projectId": project_id, "text": "admin"})
    by_value = await _history(acme, "editor", {"projectId": project_id, "text": "apol"})
    assert ([2], [1, 2]) == (
        [e["version"] for e in by_actor.body["entries"]],
        [e["version"] for e in by_value.body["entries"]],
    )


async def test_the_history_is_paged_newest_first(acme: PushTenant) -> None:
    """Two entries, then the rest from the cursor the first page answered."""
    project_id = await _renamed_project(acme)
    first = await _history(
        acme, "editor", {"projectId": project_id, "newestFirst": True, "limit": 2}
    )
    after = first.body["next"]
    rest = await _history(
        acme, "editor", {"projectId": project_id, "newestFirst": True, "limit": 2, "after": after}
    )
    assert ([3, 2], 2, [1], None) == (
        [e["version"] for e in first.body["entries"]],
        after,
        [e["version"] for e in rest.body["entries"]],
        rest.body["next"],
    )


async def test_a_limit_out_of_bounds_is_refused(acme: PushTenant) -> None:
    """A keyed 422, like any payload outside its declared bounds."""
    project_id = await _renamed_project(acme)
    result = await _history(acme, "editor", {"projectId": project_id, "limit": 0})
    assert (422, True) == (result.status, bool(result.error and result.error.key))


async def test_who_may_not_read_the_project_gets_no_history(acme: PushTenant) -> None:
    """The viewer (US) cannot read a project of France: refused, not answered empty."""
    project_id = await _renamed_project(acme)
    result = await _history(acme, "viewer", {"projectId": project_id, "text": "a"})
    assert 403 == result.status

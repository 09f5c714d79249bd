"""list-audit-entries' filters and pages, and get-audit-entry, on the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ossature.runtime.pipeline import Result
from tests.integration.support import Tenant


async def _entries(tenant: Tenant, who: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    result = await tenant.invoke(who, "query", "list-audit-entries", payload)
    assert 200 == result.status, result.error and result.error.key
    return list(result.body["entries"])


async def _traced(tenant: Tenant, who: str, name: str, payload: Any) -> tuple[str, Result]:
    """Invoke and answer the invocation's id with its result."""
    assert tenant.system.pipeline is not None
    ctx = tenant.ctx(who)
    result = await tenant.system.pipeline.invoke("query", name, payload, ctx)
    return ctx.trace.invocation_id, result


async def test_entries_are_filtered_by_command_name(tenant: Tenant) -> None:
    """Only the entries of the named command or query."""
    await tenant.invoke("admin", "query", "list-folders", {})
    await tenant.invoke("admin", "query", "list-projects", {})

    entries = await _entries(tenant, "admin", {"name": "list-folders"})

    assert ["list-folders"] == sorted({entry["name"] for entry in entries})


async def test_entries_are_filtered_by_outcome_and_actor(tenant: Tenant) -> None:
    """The tenant's admin finds the viewer's refusal among the viewer's denied entries."""
    await tenant.invoke("viewer", "query", "list-projects", {})
    denied = await tenant.invoke(
        "viewer", "command", "create-project", {"folderId": tenant.folders["EU"], "name": "No"}
    )
    assert 403 == denied.status
    viewer = tenant.actors["viewer"].account_id

    entries = await _entries(tenant, "admin", {"actorId": viewer, "outcome": "denied"})

    assert [("create-project", viewer, "denied")] == [
        (entry["name"], entry["actorId"], entry["outcome"]) for entry in entries
    ]


async def test_one_who_may_not_read_all_sees_only_their_own(tenant: Tenant) -> None:
    """The viewer's list holds only the viewer's entries; asking for the editor's: none."""
    await tenant.invoke("editor", "query", "list-projects", {})
    await tenant.invoke("viewer", "query", "list-projects", {})
    editor = tenant.actors["editor"].account_id

    mine = await _entries(tenant, "viewer", {})
    theirs = await _entries(tenant, "viewer", {"actorId": editor})

    assert ({tenant.actors["viewer"].account_id}, []) == ({e["actorId"] for e in mine}, theirs)


async def test_pages_follow_each_other_without_gap_or_repeat(tenant: Tenant) -> None:
    """Walking pages of two with nextCursor gives the one long page, in the same order."""
    for _ in range(5):
        await tenant.invoke("admin", "query", "list-folders", {})
    whole = await _entries(tenant, "admin", {"name": "list-folders"})
    walked: list[str] = []
    payload: dict[str, Any] = {"name": "list-folders", "limit": 2}
    while True:
        result = await tenant.invoke("admin", "query", "list-audit-entries", payload)
        walked += [entry["invocationId"] for entry in result.body["entries"]]
        if result.body["nextCursor"] is None:
            break
        payload["cursor"] = result.body["nextCursor"]

    assert [entry["invocationId"] for entry in whole] == walked
    assert 5 <= len(walked)


async def test_a_date_range_keeps_the_days_it_names(tenant: Tenant) -> None:
    """Today's entries are in a range ending today, none in one ending yesterday."""
    await tenant.invoke("admin", "query", "list-folders", {})
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)

    found = [
        len(await _entries(tenant, "admin", {"from": day_a.isoformat(), "to": day_b.isoformat()}))
        for day_a, day_b in ((yesterday, today), (yesterday, yesterday))
    ]

    assert (True, 0) == (found[0] > 0, found[1])


async def test_a_range_ending_before_it_starts_is_refused(tenant: Tenant) -> None:
    """from after to: 422 audit.bad-date-range."""
    result = await tenant.invoke(
        "admin", "query", "list-audit-entries", {"from": "2026-02-02", "to": "2026-02-01"}
    )
    assert (422, "audit.bad-date-range") == (result.status, result.error and result.error.key)


async def test_a_cursor_it_did_not_answer_is_refused(tenant: Tenant) -> None:
    """An edited cursor: 422 audit.bad-cursor."""
    result = await tenant.invoke("admin", "query", "list-audit-entries", {"cursor": "not-one"})
    assert (422, "audit.bad-cursor") == (result.status, result.error and result.error.key)


async def test_an_entry_is_read_with_its_invocation_context(tenant: Tenant) -> None:
    """One's own entry comes whole: its name, actor, mechanism and trace."""
    invocation, _ = await _traced(tenant, "viewer", "list-projects", {})

    _, got = await _traced(tenant, "viewer", "get-audit-entry", {"invocationId": invocation})

    entry = got.body
    assert (invocation, "list-projects", tenant.actors["viewer"].account_id, "internal") == (
        entry["invocationId"],
        entry["name"],
        entry["actorId"],
        entry["mechanism"],
    )
    assert invocation == entry["context"]["trace"]["invocationId"]


async def test_someone_elses_entry_is_not_found_unless_one_may_read_all(tenant: Tenant) -> None:
    """The viewer gets 404 for the editor's entry; the tenant's admin reads it."""
    invocation, _ = await _traced(tenant, "editor", "list-projects", {})

    _, viewer = await _traced(tenant, "viewer", "get-audit-entry", {"invocationId": invocation})
    _, admin = await _traced(tenant, "admin", "get-audit-entry", {"invocationId": invocation})

    assert (404, "audit.entry-not-found", 200) == (
        viewer.status,
        viewer.error and viewer.error.key,
        admin.status,
    )

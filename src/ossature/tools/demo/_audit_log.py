"""The demo's audit log steps: filters, one entry opened whole, pages, and who may read it."""

from __future__ import annotations

from ossature.sdk import Json
from ossature.tools.demo._support import Demo, check, expect_problem

__all__ = ["denial_opened", "entry_hidden", "pages_follow"]


def _denial_id(demo: Demo) -> str:
    check(bool(demo.denied_ids), "no denied attempt to look for")
    return sorted(demo.denied_ids)[-1]


async def denial_opened(demo: Demo) -> str:
    admin = await demo.user("admin")
    denials = await admin.list_audit_entries(name="create-project", outcome="denied", limit=50)
    check(all(e["outcome"] == "denied" for e in denials), "an entry not denied was listed")
    ids = {entry["invocationId"] for entry in denials}
    found = ids & demo.denied_ids
    check(bool(found), f"the editor's denial is not among {len(denials)} denials")
    entry = await admin.get_audit_entry(found.pop())
    trace = entry["context"]["trace"]["invocationId"]
    check(trace == entry["invocationId"], f"the context names {trace}")
    return f"{len(denials)} denied create-project; opened: {entry['mechanism']}, {entry['status']}"


async def entry_hidden(demo: Demo) -> str:
    viewer = await demo.user("viewer")
    error = await expect_problem(viewer.get_audit_entry(_denial_id(demo)), 404)
    return error.message_key


async def pages_follow(demo: Demo) -> str:
    admin = await demo.user("admin")
    seen: list[Json] = []
    cursor: str | None = None
    for _ in range(3):
        entries, cursor = await admin.audit_page(cursor=cursor, limit=2)
        seen += entries
        check(cursor is not None, "fewer than three pages")
    ids = [entry["invocationId"] for entry in seen]
    check(len(set(ids)) == 6, f"pages repeat an entry: {ids}")
    return "three pages of two, newest first, no entry twice"

"""The demo's support and changelog steps: a real failure reported and answered, an
announcement published and listed.

The failure is honest: an extract of a login source whose file does not exist answers 503
(`analytics.source-unreachable`). The source, `demo-missing`, is configured again by each
walk, so a repeated walk finds the system as it was.
"""

from __future__ import annotations

from ossature.sdk import Client, new_ulid
from ossature.tools.demo._support import Demo, check, expect_problem

__all__ = ["announcement_listed", "problem_reported", "problem_resolved"]

PLATFORM, OPERATOR = "platform", "operator@platform.test"
SOURCE = "demo-missing"


async def _operator(demo: Demo) -> Client:
    return await demo.client.as_user(PLATFORM, OPERATOR, demo.password)


async def problem_reported(demo: Demo) -> str:
    admin = await demo.user("admin")
    source = {
        "name": SOURCE,
        "kind": "sqlite",
        "location": f"sources/{SOURCE}-never-there.sqlite3",
        "schedule": "0 3 1 1 *",
    }
    await _terms_accepted(admin)
    await admin.command("configure-login-source", source)
    failed = await expect_problem(
        admin.command("run-login-extract", {"source": SOURCE}, retries=0), 503
    )
    check(failed.invocation_id is not None, "the 503 names no invocation")
    assert failed.invocation_id is not None
    report = await admin.report_problem(failed.invocation_id, "The extract of demo-missing failed")
    check(report["retry"] == "failed", f"the retry: {report}")
    demo.report.update(id=str(report["investigationId"]), retry=str(report["retryInvocationId"]))
    return f"503 {failed.message_key}; retried once ({report['retryStatus']}), investigation open"


async def _terms_accepted(admin: Client) -> None:
    """Analytics asks its users to accept its terms: the admin accepts each version that
    get-my-capabilities says is unmet, as a client offers it."""
    capabilities = await admin.query("get-my-capabilities", {})
    for unmet in capabilities["unmet"]:
        if unmet["flow"] == "accept-terms":
            await admin.command("accept-terms", {"version": unmet["version"]})


async def problem_resolved(demo: Demo) -> str:
    check("id" in demo.report, "no investigation was opened")
    operator = await _operator(demo)
    queue = await operator.list_investigations("open")
    check(
        any(i["investigationId"] == demo.report["id"] for i in queue), "not in the operator's queue"
    )
    answer = f"The file is missing; add it and run again ({new_ulid()[-6:]})."
    await operator.resolve_investigation(demo.report["id"], answer)
    mine = await (await demo.user("admin")).list_my_reports()
    found = [r for r in mine if r["investigationId"] == demo.report["id"]]
    check([(r["status"], r["answer"]) for r in found] == [("resolved", answer)], f"{found}")
    return f"the operator saw it among {len(queue)} open; My reports shows the answer"


async def announcement_listed(demo: Demo) -> str:
    operator = await _operator(demo)
    marker = new_ulid()
    title = {"en": f"Demo entry {marker}", "fr": f"Entrée de démo {marker}", "ar": f"مثال {marker}"}
    body = {"en": "Announcements reach every tenant.", "fr": "Les annonces vont partout."}
    made = await operator.publish_announcement(title, body, "/changelog")
    for tenant in ("acme", "globex"):
        listed = await (await demo.user("viewer", tenant)).list_announcements(text=marker)
        found = [a["announcementId"] for a in listed["announcements"]]
        check(found == [made], f"viewer@{tenant} lists {found}")
    return "published by the operator; listed by viewer@acme and viewer@globex"

"""The demo's administration steps: accounts, roles, deactivation, impersonation.

They work on an account of their own, made for each walk, so a walk repeated on the same
system finds the demo accounts as they were.
"""

from __future__ import annotations

from ossature.sdk import Client, Json, new_ulid
from ossature.tools.demo._support import (
    TENANT,
    Demo,
    check,
    eventually,
    expect_problem,
    status_of,
)

__all__ = [
    "deactivated_refused",
    "impersonation_audited",
    "list_accounts",
    "revoke_role",
]

PLATFORM, OPERATOR = "platform", "operator@platform.test"


async def _temporary(demo: Demo) -> tuple[str, str]:
    """The walk's own account (made on first use): its id and email."""
    if "accountId" not in demo.admin:
        admin = await demo.user("admin")
        email = f"temp-{new_ulid().lower()}@{TENANT}.test"
        body = {"email": email, "displayName": "Temporary", "password": demo.password}
        made = await admin.command("register-account", body)
        demo.admin.update(accountId=str(made["accountId"]), email=email)
    return demo.admin["accountId"], demo.admin["email"]


async def list_accounts(demo: Demo) -> str:
    admin = await demo.user("admin")
    accounts: list[Json] = (await admin.query("list-accounts"))["accounts"]
    emails = {a["email"]: a["status"] for a in accounts}
    for who in ("admin", "editor", "viewer"):
        check(emails.get(f"{who}@{TENANT}.test") == "active", f"{who} missing or not active")
    return f"{len(accounts)} accounts, the three demo ones active"


async def revoke_role(demo: Demo) -> str:
    admin = await demo.user("admin")
    account_id, _ = await _temporary(demo)
    assignment = {"accountId": account_id, "role": "project-viewer", "folderId": demo.folder("US")}
    await admin.command("assign-role", assignment)
    await admin.command("revoke-role", assignment)

    async def listed() -> list[Json]:
        answer = await admin.query("list-role-assignments", {"folderId": demo.folder("US")})
        return list(answer["assignments"])

    left = [a for a in await listed() if a["accountId"] == account_id]
    check(not left, f"still assigned: {left}")
    again = await expect_problem(admin.command("revoke-role", assignment), 404)
    return f"assigned, revoked, gone; again: 404 {again.message_key}"


async def deactivated_refused(demo: Demo) -> str:
    admin = await demo.user("admin")
    account_id, email = await _temporary(demo)
    temporary = await demo.client.as_user(TENANT, email, demo.password)
    check(await status_of(temporary.list_folders()) == 200, "not working before")
    await admin.command("deactivate-account", {"accountId": account_id})
    status = await status_of(temporary.list_folders())
    check(status == 401, f"its token still gets {status}")
    login = demo.client.with_token(None).log_in(TENANT, email, demo.password)
    refused = await expect_problem(login, 401)
    return f"its token: 401 at once; its log-in: 401 {refused.message_key}"


async def impersonation_audited(demo: Demo) -> str:
    operator: Client = await demo.client.as_user(PLATFORM, OPERATOR, demo.password)
    viewer = await demo.user("viewer")
    admin = await demo.user("admin")
    accounts = (await admin.query("list-accounts"))["accounts"]
    viewer_id = next(a["accountId"] for a in accounts if a["email"] == f"viewer@{TENANT}.test")
    body = {"accountId": viewer_id, "reason": "demo: the viewer asked for help"}
    started = await operator.command("start-impersonation", body)
    acting = demo.client.with_token(str(started["accessToken"]))
    await acting.list_projects()
    invocation = acting.last_invocation_id

    def found(entries: list[Json]) -> bool:
        return any(e["invocationId"] == invocation and e.get("onBehalfOf") for e in entries)

    entries = await eventually(viewer.list_audit_entries, found)
    check(found(entries), "the viewer's audit does not show it")
    entry = next(e for e in entries if e["invocationId"] == invocation)
    return (
        f"viewer's audit: {entry['name']} by {entry['actorId']} on behalf of {entry['onBehalfOf']}"
    )

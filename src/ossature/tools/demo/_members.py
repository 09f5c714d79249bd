"""The demo's members steps: the roles a form may offer come from the server; an admin forgets
a member of the walk's own, who can no longer log in and is listed as `[forgotten]`."""

from __future__ import annotations

from ossature.sdk import new_ulid
from ossature.tools.demo._support import TENANT, Demo, check, expect_problem

__all__ = ["member_forgotten", "roles_offered"]

FORGOTTEN = "[forgotten]"


async def roles_offered(demo: Demo) -> str:
    roles = await (await demo.user("admin")).list_roles()
    check("tenant-admin" in roles, f"no tenant-admin among {roles}")
    check("platform-operator" not in roles, "the platform's own role is offered")
    return ", ".join(roles)


async def member_forgotten(demo: Demo) -> str:
    admin = await demo.user("admin")
    email = f"forget-{new_ulid().lower()}@{TENANT}.test"
    body = {"email": email, "displayName": "Forgettable", "password": demo.password}
    account_id = str((await admin.command("register-account", body))["accountId"])
    await demo.client.as_user(TENANT, email, demo.password)  # logs in before
    await admin.forget_account(account_id)
    login = demo.client.with_token(None).log_in(TENANT, email, demo.password)
    refused = await expect_problem(login, 401)
    listed = {a["accountId"]: a for a in await admin.list_accounts()}[account_id]
    shown = (listed["email"], listed["displayName"])
    check(shown == (FORGOTTEN, FORGOTTEN), f"listed as {shown}")
    return f"log-in: 401 {refused.message_key}; listed as {FORGOTTEN}, {listed['status']}"

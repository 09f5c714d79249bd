"""The demo's plans steps: a module the tenant has not bought, the capabilities a client
greys out, a requirement met by accepting the terms, usage rolled up the folder tree, and the
operator's back-office reached by a log-in that names no tenant.

The requirement step works on an account of its own, made for each walk, so a repeated walk
finds it unmet again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ossature.sdk import new_ulid
from ossature.tools.demo._support import OTHER_TENANT, TENANT, Demo, check, expect_problem

__all__ = ["capabilities", "module_gate", "operator_back_office", "terms_accepted", "usage"]

OPERATOR = "operator@platform.test"
SOURCE = {
    "name": "demo-terms",
    "kind": "sqlite",
    "location": "sources/demo-terms-never-there.sqlite3",
    "schedule": "0 3 1 1 *",
}


async def module_gate(demo: Demo) -> str:
    today = datetime.now(UTC).date()
    days = {"from": today.isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    globex = await demo.user("admin", OTHER_TENANT)
    refused = await expect_problem(globex.query("count-logins-per-day", days), 403)
    check(refused.message_key == "tenancy.module-disabled", f"globex: {refused.message_key}")
    await (await demo.user("admin")).query("count-logins-per-day", days)
    return "globex (starter): 403 tenancy.module-disabled; acme (team): answered"


async def capabilities(demo: Demo) -> str:
    mine = await (await demo.user("viewer")).get_my_capabilities()
    theirs = await (await demo.user("viewer", OTHER_TENANT)).get_my_capabilities()
    check(mine["modules"].get("analytics") is True, f"acme: {mine}")
    check(theirs["modules"].get("analytics") is False, f"globex: {theirs}")
    return f"acme {mine['plan']}: analytics on; globex {theirs['plan']}: analytics greyed out"


async def terms_accepted(demo: Demo) -> str:
    admin = await demo.user("admin")
    email = f"terms-{new_ulid().lower()}@{TENANT}.test"
    made = await admin.command(
        "register-account", {"email": email, "displayName": "Terms", "password": demo.password}
    )
    grant = {
        "accountId": made["accountId"],
        "role": "tenant-admin",
        "folderId": demo.folder("Global"),
    }
    await admin.command("assign-role", grant)
    person = await demo.client.as_user(TENANT, email, demo.password)
    refused = await expect_problem(person.command("configure-login-source", SOURCE), 403)
    check(refused.message_key == "access.requirement-unmet", f"{refused.message_key}")
    unmet = refused.message_params.get("unmet") or []
    versions = [
        way.removeprefix("signed-terms:")
        for u in unmet
        for way in u.get("satisfiedBy", [])
        if way.startswith("signed-terms:")
    ]
    check(len(versions) == 1, f"no terms to accept among {unmet}")
    await person.accept_terms(versions[0])
    await person.command("configure-login-source", SOURCE)
    left = (await person.get_my_capabilities())["unmet"]
    check(left == [], f"still unmet: {left}")
    return f"403 {refused.message_key} ({refused.message_params.get('requirements')}); accepted, it runs"


async def usage(demo: Demo) -> str:
    admin = await demo.user("admin")
    today = datetime.now(UTC).date()
    first = today.replace(day=1).isoformat()
    last = (today + timedelta(days=1)).isoformat()
    rows = (await admin.get_usage(first, last, "folder"))["rows"]
    counts = {row["name"]: int(row["count"]) for row in rows}
    france, eu, world = counts.get("France", 0), counts.get("EU", 0), counts.get("Global", 0)
    check(0 < france <= eu <= world, f"not rolled up: {counts}")
    return f"this month: France {france}, EU {eu}, Global {world} operations"


async def operator_back_office(demo: Demo) -> str:
    anonymous = demo.client.with_token(None)
    session = await anonymous.command("log-in", {"email": OPERATOR, "password": demo.password})
    operator = demo.client.with_token(str(session["accessToken"]))
    tenants = {t["slug"]: t for t in (await operator.list_tenants())["tenants"]}
    check("platform" not in tenants, "the platform's own tenant is listed")
    plans = {slug: tenants[slug]["plan"] for slug in (TENANT, OTHER_TENANT) if slug in tenants}
    check(len(plans) == 2, f"the demo tenants are not listed: {sorted(tenants)}")
    return f"logged in with no tenant; {len(tenants)} tenants, " + ", ".join(
        f"{slug} on {plan}" for slug, plan in plans.items()
    )

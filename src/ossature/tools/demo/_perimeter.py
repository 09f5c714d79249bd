"""The demo's steps for the perimeter: the log-in lockout and the tenant security policy.

Each run counts 5 failures from the demo's address in each tenant (the lock in globex, the
reset in acme), so several runs in a row stay under the address limit (20 in 15 minutes).
"""

from __future__ import annotations

from ossature.sdk import Client, new_ulid
from ossature.tools.demo._support import OTHER_TENANT, TENANT, Demo, check, expect_problem


async def _throwaway(demo: Demo, tenant: str) -> str:
    """A new account's email in `tenant`, registered by its admin."""
    admin = await demo.user("admin", tenant)
    email = f"throwaway-{new_ulid().lower()}@{tenant}.test"
    account = {"email": email, "displayName": "Throwaway", "password": demo.password}
    await admin.command("register-account", account)
    return email


def _anonymous(demo: Demo) -> Client:
    return demo.client.with_token(None)


async def lockout(demo: Demo) -> str:
    email, anonymous = await _throwaway(demo, OTHER_TENANT), _anonymous(demo)
    for _ in range(5):
        await expect_problem(anonymous.log_in(OTHER_TENANT, email, "wrong password"), 401)
    refused = await expect_problem(anonymous.log_in(OTHER_TENANT, email, demo.password), 429)
    check(bool(refused.retry_after), "a 429 without retryAfter")
    return f"{refused.message_key}, retry after {refused.retry_after} s"


async def success_resets(demo: Demo) -> str:
    email, anonymous = await _throwaway(demo, TENANT), _anonymous(demo)
    for _ in range(4):
        await expect_problem(anonymous.log_in(TENANT, email, "wrong password"), 401)
    await anonymous.log_in(TENANT, email, demo.password)
    again = await expect_problem(anonymous.log_in(TENANT, email, "wrong password"), 401)
    return f"4 failures, a success, a 5th failure: {again.status}, not 429"


async def security_policy(demo: Demo) -> str:
    admin = await demo.user("admin")
    excluding = {"requireMfa": False, "allowedIpRanges": ["192.0.2.0/24"]}  # never the demo's
    refused = await expect_problem(admin.command("set-tenant-security-policy", excluding), 422)
    open_policy = {"requireMfa": False, "allowedIpRanges": []}
    made = await admin.command("set-tenant-security-policy", open_policy)
    read = await admin.query("get-tenant-security-policy", {})
    check(read == made, f"read back {read}, set {made}")
    return f"{refused.message_key}; then version {read['version']} read back"

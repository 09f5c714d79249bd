"""The demo's steps for accounts' own flows: invitation, password reset and change."""

from __future__ import annotations

from ossature.sdk import new_ulid
from ossature.tools.demo._support import TENANT, Demo, check, status_of

__all__ = ["change_password"]


async def _new_member(demo: Demo, password: str) -> str:
    """A fresh account of acme, registered by its admin with `password`: its email."""
    admin, email = await demo.user("admin"), f"member-{new_ulid()[-10:].lower()}@{TENANT}.test"
    body = {"email": email, "displayName": "Demo member", "password": password}
    await admin.command("register-account", body)
    return email


async def change_password(demo: Demo) -> str:
    old, new = f"{demo.password}-before", f"{demo.password}-after"
    email = await _new_member(demo, old)
    member = await demo.client.as_user(TENANT, email, old)

    await member.command("change-password", {"currentPassword": old, "newPassword": new})

    anonymous = demo.client.with_token(None)
    statuses = (
        await status_of(anonymous.log_in(TENANT, email, old)),
        await status_of(member.list_folders()),
    )
    check(statuses == (401, 200), f"old password, own session: {statuses}, expected (401, 200)")
    await demo.client.as_user(TENANT, email, new)
    return "the old password gets 401, the new one logs in, the caller's session stays"

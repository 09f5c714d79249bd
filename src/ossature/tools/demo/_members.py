"""The demo's members step: the roles a form may offer come from the server."""

from __future__ import annotations

from ossature.tools.demo._support import Demo, check

__all__ = ["roles_offered"]


async def roles_offered(demo: Demo) -> str:
    roles = await (await demo.user("admin")).list_roles()
    check("tenant-admin" in roles, f"no tenant-admin among {roles}")
    check("platform-operator" not in roles, "the platform's own role is offered")
    return ", ".join(roles)

"""The demo's steps for tokens made for scripts: a personal access token and an API key each
work, then stop at once when revoked (decisions 48 and 49)."""

from __future__ import annotations

import time

from ossature.tools.demo._support import Demo, check, expect_problem

__all__ = ["api_key", "personal_access_token"]

_A_DAY = 24 * 3600


async def personal_access_token(demo: Demo) -> str:
    viewer = await demo.user("viewer")
    made = await viewer.command(
        "create-personal-access-token",
        {"name": "demo script", "expiresAt": int(time.time()) + _A_DAY},
    )
    script = demo.client.with_token(made["token"])
    projects = await script.list_projects()
    await viewer.command("revoke-personal-access-token", {"tokenId": made["tokenId"]})
    refused = await expect_problem(script.list_projects(), 401)
    check(refused.message_key == "identity.credential-refused", refused.message_key)
    return f"{len(projects)} project(s) listed with it; revoked: 401 {refused.message_key}"


async def api_key(demo: Demo) -> str:
    admin = await demo.user("admin")
    account = await admin.command(
        "create-service-account",
        {"name": "demo exporter", "role": "project-editor", "folderId": demo.folder("EU")},
    )
    made = await admin.command(
        "create-api-key",
        {
            "serviceAccountId": account["serviceAccountId"],
            "name": "demo key",
            "expiresAt": int(time.time()) + _A_DAY,
        },
    )
    service = demo.client.with_token(made["apiKey"])
    project = await service.create_project(demo.folder("EU"), f"By key {made['keyId'][-6:]}")
    await admin.command("revoke-api-key", {"keyId": made["keyId"]})
    refused = await expect_problem(service.list_projects(), 401)
    check(refused.message_key == "identity.credential-refused", refused.message_key)
    return f"project {project} created as a service; revoked: 401"

"""What the members page of a folder asks: the roles to offer and the folder's assignments."""

from __future__ import annotations

from tests.integration.support import Tenant


async def test_the_roles_offered_are_those_a_tenant_may_hand_out(tenant: Tenant) -> None:
    """list-roles answers the tenant's roles, never the platform's own."""
    answer = await tenant.invoke("viewer", "query", "list-roles", {})

    assert ["project-editor", "project-viewer", "tenant-admin"] == answer.body["roles"]


async def _members(tenant: Tenant, folder: str, account_id: str) -> list[str]:
    listed = await tenant.invoke(
        "admin", "query", "list-role-assignments", {"folderId": tenant.folders[folder]}
    )
    return [a["folderId"] for a in listed.body["assignments"] if a["accountId"] == account_id]


async def test_a_revoked_role_leaves_the_folders_assignments(tenant: Tenant) -> None:
    """An invited account holds no role until it accepts; one assigned at France is listed
    under EU, and no longer once revoked."""
    account = await tenant.command(
        "admin",
        "invite-account",
        {
            "email": "member@example.test",
            "displayName": "Member",
            "role": "project-viewer",
            "folderId": tenant.folders["EU"],
        },
    )
    await tenant.command(
        "admin",
        "assign-role",
        {
            "accountId": account["accountId"],
            "role": "project-editor",
            "folderId": tenant.folders["France"],
        },
    )
    before = await _members(tenant, "EU", account["accountId"])

    await tenant.command(
        "admin",
        "revoke-role",
        {
            "accountId": account["accountId"],
            "role": "project-editor",
            "folderId": tenant.folders["France"],
        },
    )

    after = await _members(tenant, "EU", account["accountId"])
    assert ([tenant.folders["France"]], []) == (before, after)

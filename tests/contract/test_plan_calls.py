"""The SDK's calls of plans answer the same through every backend: a tenant's capabilities,
its usage rolled up the folder tree, its invoices, and terms accepted into an entitlement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ossature.sdk import Client
from tests.contract.support import as_person
from tests.integration._push import PushTenant


def _this_month() -> tuple[str, str]:
    today = datetime.now(UTC).date()
    return today.replace(day=1).isoformat(), (today + timedelta(days=1)).isoformat()


async def test_a_tenant_reads_its_capabilities_and_its_usage_rolled_up(
    client: Client, people: PushTenant
) -> None:
    """A fresh tenant on the default plan has projects; two projects made in France count in
    France and in Global, by folder, and in projects, by module; no invoice yet."""
    admin = await as_person(client, people, "admin")
    editor = await as_person(client, people, "editor")
    for name in ("Metered one", "Metered two"):
        await editor.create_project(people.folders["France"], name)
    first, last = _this_month()

    capabilities = await admin.get_my_capabilities()
    by_folder = await admin.get_usage(first, last, "folder")
    by_module = await admin.get_usage(first, last, "module")
    invoices = await admin.list_invoices()

    counts = {row["key"]: row["count"] for row in by_folder["rows"]}
    assert capabilities["modules"]["projects"] is True
    assert (2, 2, 2) == (
        counts[people.folders["France"]],
        counts[people.folders["Global"]],
        by_folder["total"],
    )
    assert [("projects", 2)] == [(row["key"], row["count"]) for row in by_module["rows"]]
    assert ([], None) == (invoices["invoices"], invoices["next"])


async def test_terms_accepted_become_an_entitlement_of_the_account(
    client: Client, people: PushTenant
) -> None:
    """accept_terms answers the entitlement; list_my_entitlements then holds it."""
    viewer = await as_person(client, people, "viewer")

    accepted = await viewer.accept_terms("2026-12")
    held = [entitlement["id"] for entitlement in await viewer.list_my_entitlements()]

    assert "signed-terms:2026-12" == accepted["entitlement"]
    assert ["signed-terms:2026-12"] == held

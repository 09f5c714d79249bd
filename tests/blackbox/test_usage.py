"""Usage over HTTP rolls up the tenant's folder tree: France's operations are in EU's and
Global's counts too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from ossature.modules.billing.cycles import month_end, month_start
from tests.blackbox._api import Tenant, TokenFor, call, new_ulid, problem_of


async def _by_folder(http: httpx.AsyncClient, token: str) -> dict[str, dict[str, Any]]:
    now = datetime.now(UTC)
    span = {"from": month_start(now).isoformat(), "to": month_end(now).isoformat()}
    answer = await call(http, "queries/get-usage", {**span, "groupBy": "folder"}, token)
    assert answer.status_code == 200, answer.text
    return {row["name"]: row for row in answer.json()["rows"]}


async def test_usage_rolls_up_the_folder_tree(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """Two projects made in France and one in EU add 2 to France, 3 to EU and to Global, and
    none to US."""
    admin = await token_for("admin@acme")
    before = await _by_folder(http, admin)
    # when
    for folder in ("France", "France", "EU"):
        payload = {"folderId": acme.folders[folder], "name": f"usage {new_ulid()}"}
        made = await call(http, "commands/create-project", payload, admin)
        assert made.status_code == 200, made.text
    # then
    after = await _by_folder(http, admin)

    def added(name: str) -> int:
        return int(after.get(name, {}).get("count", 0)) - int(before.get(name, {}).get("count", 0))

    assert {"France": 2, "EU": 3, "Global": 3, "US": 0} == {
        name: added(name) for name in ("France", "EU", "Global", "US")
    }
    assert acme.folders["EU"] == after["France"]["parentId"]


async def test_usage_is_the_tenant_admins_to_read(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """An editor asking for usage is refused 403."""
    editor = await token_for("editor@acme")
    span = {"from": "2026-01-01", "to": "2026-02-01", "groupBy": "module"}
    # when
    answer = await call(http, "queries/get-usage", span, editor)
    # then
    assert 403 == problem_of(answer)[0]

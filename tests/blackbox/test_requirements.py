"""Requirements over HTTP: an analytics command refused for terms not accepted, then allowed
after accept-terms; get-my-capabilities names what is unmet before and not after."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.blackbox._api import System, Tenant, TokenFor, call, log_in, new_ulid

pytestmark = pytest.mark.blackbox

# pragma: allowlist nextline secret: a throwaway test account's password
PASSWORD = "requirements-test-password"
TERMS = {
    "id": "accepted-terms:2026-12",
    "satisfiedBy": ["signed-terms:2026-12"],
    "flow": "accept-terms",
}


async def person(http: httpx.AsyncClient, admin: str, acme: Tenant) -> str:
    """A new acme administrator (who has accepted nothing), logged in: their token."""
    email = f"req-{new_ulid().lower()}@acme.test"
    body = {"email": email, "displayName": "Req", "password": PASSWORD}
    made = await call(http, "commands/register-account", body, admin)
    assert 200 == made.status_code, made.text
    role = {"accountId": made.json()["accountId"], "role": "tenant-admin"}
    assigned = await call(
        http, "commands/assign-role", {**role, "folderId": acme.folders["Global"]}, admin
    )
    assert 200 == assigned.status_code, assigned.text
    return await log_in(http, email, PASSWORD)


async def capabilities(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    answer = await call(http, "queries/get-my-capabilities", {}, token)
    assert 200 == answer.status_code, answer.text
    return dict(answer.json())


async def test_analytics_is_refused_until_the_terms_are_accepted(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """acme (team) has analytics; its new admin is refused a source for the terms, with the
    flow and version to accept in the problem and in get-my-capabilities; accept-terms, with
    the version the server sent, then admits the same command."""
    token = await person(http, await token_for("admin@acme"), acme)
    source = {
        "name": f"req-{new_ulid().lower()}",
        "kind": "sqlite",
        "location": f"sources/req-{new_ulid().lower()}.sqlite3",
        "schedule": "0 3 1 1 *",
    }

    refused = await call(http, "commands/configure-login-source", source, token)
    before = await capabilities(http, token)
    unmet = next(u for u in before["unmet"] if u["id"] == TERMS["id"])
    accepted = await call(http, "commands/accept-terms", {"version": unmet["version"]}, token)
    allowed = await call(http, "commands/configure-login-source", source, token)
    after = await capabilities(http, token)
    held = await call(http, "queries/list-my-entitlements", {}, token)

    problem = refused.json()
    assert (403, "access.requirement-unmet") == (refused.status_code, problem["messageKey"])
    assert {"requirements": TERMS["id"], "unmet": [TERMS]} == problem["messageParams"]
    assert {**TERMS, "scopes": ["module:analytics"], "version": "2026-12"} == unmet
    assert before["modules"]["analytics"] is True
    assert (200, "signed-terms:2026-12") == (accepted.status_code, accepted.json()["entitlement"])
    assert 200 == allowed.status_code, allowed.text
    assert TERMS["id"] not in [u["id"] for u in after["unmet"]]
    assert ["signed-terms:2026-12"] == [e["id"] for e in held.json()["entitlements"]]


async def test_terms_no_requirement_names_are_refused(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    answer = await call(
        http, "commands/accept-terms", {"version": "1999-01"}, await token_for("viewer@acme")
    )

    assert (422, "access.unknown-terms-version") == (
        answer.status_code,
        answer.json()["messageKey"],
    )

"""Administration from outside, over HTTP and MQTT: accounts, roles, deactivation, and an
operator's impersonation. Each test makes accounts of its own: the demo's stay as seeded."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from aiomqtt import MqttCodeError, MqttError

from tests.blackbox._api import (
    System,
    Tenant,
    TokenFor,
    call,
    claims_of,
    eventually,
    log_in,
    new_ulid,
    problem_of,
)
from tests.blackbox.test_push import WAIT, listening, mqtt


async def _account(
    http: httpx.AsyncClient, system: System, admin: str, folder: str
) -> tuple[str, str]:
    """A new project-viewer at `folder`, logged in: its id and token."""
    email = f"temp-{new_ulid().lower()}@acme.test"
    body = {"email": email, "displayName": "Temporary", "password": system.password}
    made = await call(http, "commands/register-account", body, admin)
    assert made.status_code == 200, made.text
    account_id = made.json()["accountId"]
    assignment = {"accountId": account_id, "role": "project-viewer", "folderId": folder}
    assert (await call(http, "commands/assign-role", assignment, admin)).status_code == 200
    return account_id, await log_in(http, email, system.password)


async def test_deactivation_refuses_the_token_at_once_and_drops_the_mqtt_connection(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """The next request answers 401; the open MQTT connection ends; a new one is refused."""
    admin = await token_for("admin@acme")
    account_id, token = await _account(http, system, admin, acme.folders["US"])
    configuration = (await http.get("/.well-known/ossature-configuration")).json()
    url = configuration["mqtt"]["url"]

    async with listening(url, token) as client:
        answer = await call(http, "commands/deactivate-account", {"accountId": account_id}, admin)
        assert answer.status_code == 200, answer.text
        refused = problem_of(await call(http, "queries/list-folders", {}, token))
        with pytest.raises(MqttError):
            async with asyncio.timeout(WAIT):
                await anext(client.messages)
    with pytest.raises(MqttCodeError):
        async with mqtt(url, token):
            pass

    assert (401, "identity.session-ended") == refused


async def test_accounts_and_assignments_are_listed_and_a_role_revoked(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """The new account is listed active; its assignment at US listed, revoked, gone; a
    second revocation answers 404."""
    admin = await token_for("admin@acme")
    account_id, _ = await _account(http, system, admin, acme.folders["US"])
    assignment = {"accountId": account_id, "role": "project-viewer", "folderId": acme.folders["US"]}

    accounts = (await call(http, "queries/list-accounts", {}, admin)).json()["accounts"]
    before = await _assigned(http, admin, acme, account_id)
    revoked = await call(http, "commands/revoke-role", assignment, admin)
    after = await _assigned(http, admin, acme, account_id)
    again = problem_of(await call(http, "commands/revoke-role", assignment, admin))

    status = {a["accountId"]: a["status"] for a in accounts}.get(account_id)
    actual = (status, before, revoked.status_code, after, again)
    assert ("active", [assignment], 200, [], (404, "access.assignment-not-found")) == actual


async def _assigned(
    http: httpx.AsyncClient, admin: str, acme: Tenant, account_id: str
) -> list[Any]:
    body = {"folderId": acme.folders["US"]}
    listed = (await call(http, "queries/list-role-assignments", body, admin)).json()["assignments"]
    return [a for a in listed if a["accountId"] == account_id]


async def test_an_operator_impersonates_and_the_user_sees_both_in_their_audit(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """The seeded operator's token for the user works; the user's own entries show it with
    the operator's id beside theirs."""
    admin = await token_for("admin@acme")
    account_id, token = await _account(http, system, admin, acme.folders["US"])
    operator = await log_in(http, "operator@platform.test", system.password)
    body = {"accountId": account_id, "reason": "ticket 7"}
    started = await call(http, "commands/start-impersonation", body, operator)
    assert started.status_code == 200, started.text
    acting = started.json()["accessToken"]
    listed = await call(http, "queries/list-projects", {}, acting)
    invocation = listed.headers.get("x-invocation-id")

    def shown(answer: httpx.Response) -> bool:
        return any(e["invocationId"] == invocation for e in answer.json()["entries"])

    audit = await eventually(lambda: call(http, "queries/list-audit-entries", {}, token), shown)

    entry = next(e for e in audit.json()["entries"] if e["invocationId"] == invocation)
    expected = (200, account_id, claims_of(operator)["sub"], claims_of(operator)["sub"])
    actual = (
        listed.status_code,
        entry["actorId"],
        entry["onBehalfOf"],
        claims_of(acting)["act"]["sub"],
    )
    assert expected == actual

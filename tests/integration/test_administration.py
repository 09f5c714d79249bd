"""Administration on the real engines: listing accounts and assignments, revoking a role,
deactivating an account (its sessions refused at once, its log-in as a wrong password)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
import pytest
from aiomqtt import MqttCodeError, MqttError

from ossature.kernel.database import InvocationTransaction
from ossature.kernel.ids import new_id
from ossature.modules.identity.projections import CREDENTIAL_ENDED
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.system import System
from tests.integration._push import PASSWORD, WAIT, PushTenant, listening, mqtt, push_tenant


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


async def _invoke(tenant: PushTenant, who: str, kind: Any, name: str, payload: Any) -> Any:
    assert tenant.system.pipeline is not None
    return await tenant.system.pipeline.invoke(kind, name, payload, tenant.ctx(who))


async def test_an_admin_lists_every_account_of_the_tenant_with_its_status(
    acme: PushTenant,
) -> None:
    """Three accounts, active users without MFA, ordered by email; no other tenant's."""
    expected = [
        (f"{who}@{acme.slug}.test", acme.account(who), "user", "active", False)
        for who in ("admin", "editor", "viewer")
    ]

    answer = await _invoke(acme, "admin", "query", "list-accounts", {})

    actual = [
        (a["email"], a["accountId"], a["kind"], a["status"], a["mfaEnabled"])
        for a in answer.body["accounts"]
    ]
    assert expected == actual


async def test_a_viewer_may_not_list_accounts(acme: PushTenant) -> None:
    """accounts.read is the tenant admin's."""
    answer = await _invoke(acme, "viewer", "query", "list-accounts", {})

    assert (403, "errors.denied") == (answer.status, answer.error and answer.error.key)


async def test_assignments_are_listed_at_and_below_a_folder(acme: PushTenant) -> None:
    """Under EU: the editor's (at EU); the admin's (at Global) and the viewer's (US) are not."""
    expected = [(acme.account("editor"), "project-editor", acme.folders["EU"])]

    answer = await _invoke(
        acme, "admin", "query", "list-role-assignments", {"folderId": acme.folders["EU"]}
    )

    actual = [(a["accountId"], a["role"], a["folderId"]) for a in answer.body["assignments"]]
    assert expected == actual


async def test_a_viewer_sees_no_assignment(acme: PushTenant) -> None:
    """Reading assignments needs access.read, which a viewer holds nowhere."""
    answer = await _invoke(acme, "viewer", "query", "list-role-assignments", {})

    assert (200, []) == (answer.status, answer.body["assignments"])


async def test_a_revoked_role_leaves_the_listing_and_the_next_token(acme: PushTenant) -> None:
    """The assignment is gone from the read model; a new log-in carries no grant."""
    revoke = {"accountId": acme.account("viewer"), "role": "project-viewer"}
    revoke["folderId"] = acme.folders["US"]
    await acme.command("admin", "revoke-role", revoke)

    listed = await _invoke(acme, "admin", "query", "list-role-assignments", {})
    token = await _log_in(acme, "viewer")
    assert acme.system.secrets is not None
    grants = acme.system.secrets.keys.verify(token.body["accessToken"], _now()).grants

    actual = (
        acme.account("viewer") in {a["accountId"] for a in listed.body["assignments"]},
        grants,
    )
    assert (False, ()) == actual


async def test_revoking_an_assignment_that_does_not_exist_is_not_found(acme: PushTenant) -> None:
    """The viewer holds its role at US, not at EU: 404 keyed, nothing appended."""
    revoke = {"accountId": acme.account("viewer"), "role": "project-viewer"}
    revoke["folderId"] = acme.folders["EU"]

    answer = await _invoke(acme, "admin", "command", "revoke-role", revoke)

    assert (404, "access.assignment-not-found") == (
        answer.status,
        answer.error and answer.error.key,
    )


async def test_a_deactivated_accounts_session_is_refused_at_once(acme: PushTenant) -> None:
    """The editor's next invocation, right after the commit, answers 401 session-ended."""
    await acme.command("admin", "deactivate-account", {"accountId": acme.account("editor")})

    answer = await _invoke(
        acme, "editor", "query", "get-my-permissions", {"folderId": acme.folders["EU"]}
    )

    assert (401, "identity.session-ended") == (answer.status, answer.error and answer.error.key)


async def test_a_deactivated_account_logs_in_as_with_a_wrong_password(acme: PushTenant) -> None:
    """The right password answers exactly what a wrong one does; the listing says deactivated."""
    await acme.command("admin", "deactivate-account", {"accountId": acme.account("viewer")})

    answer = await _log_in(acme, "viewer")
    listed = await _invoke(acme, "admin", "query", "list-accounts", {})

    status = {a["accountId"]: a["status"] for a in listed.body["accounts"]}[acme.account("viewer")]
    actual = (answer.status, answer.error and answer.error.key, status)
    assert (401, "identity.invalid-credentials", "deactivated") == actual


async def test_an_admin_cannot_deactivate_their_own_account(acme: PushTenant) -> None:
    """409 keyed; the admin's session still works."""
    answer = await _invoke(
        acme, "admin", "command", "deactivate-account", {"accountId": acme.account("admin")}
    )
    after = await _invoke(acme, "admin", "query", "list-accounts", {})

    actual = (answer.status, answer.error and answer.error.key, after.status)
    assert (409, "identity.cannot-deactivate-self", 200) == actual


async def test_deactivating_an_unknown_account_is_not_found(acme: PushTenant) -> None:
    """404 keyed."""
    answer = await _invoke(acme, "admin", "command", "deactivate-account", {"accountId": "nobody"})

    assert (404, "identity.account-not-found") == (answer.status, answer.error and answer.error.key)


async def _log_in(tenant: PushTenant, who: str) -> Any:
    assert tenant.system.pipeline is not None
    body = {"tenant": tenant.slug, "email": f"{who}@{tenant.slug}.test", "password": PASSWORD}
    return await tenant.system.pipeline.invoke(
        "command", "log-in", body, internal_context(OPERATOR)
    )


def _now() -> int:
    return int(time.time())


async def test_a_deactivated_accounts_mqtt_connection_is_dropped(acme: PushTenant) -> None:
    """The editor's open MQTT connection ends soon after the commit (its token would have
    kept it for 15 minutes); the viewer's stays."""
    async with listening(acme, "viewer") as viewer, listening(acme, "editor") as editor:
        await acme.command("admin", "deactivate-account", {"accountId": acme.account("editor")})

        with pytest.raises(MqttError):
            async with asyncio.timeout(WAIT):
                await anext(editor.messages)
        await acme.command("admin", "create-project", {"folderId": acme.folders["US"], "name": "x"})
        async with asyncio.timeout(WAIT):
            still = await anext(viewer.messages)

    assert still.topic.value == acme.topic("viewer")


async def test_a_deactivated_account_cannot_connect_again(acme: PushTenant) -> None:
    """The callout refuses a connection with a token still valid of a deactivated account."""
    await acme.command("admin", "deactivate-account", {"accountId": acme.account("editor")})
    client_id = f"{acme.account('editor')}-again"

    with pytest.raises(MqttCodeError):
        async with mqtt(acme.system, acme.tenant_id, acme.tokens["editor"], client_id):
            pass


@pytest.mark.parametrize("kind", ["session", "personal-access-token", "api-key"])
async def test_every_credential_of_a_deactivated_account_is_refused_by_the_guard(
    acme: PushTenant, kind: str
) -> None:
    """One clause of the guard: a live credential of any kind stops with its account."""
    system = acme.system
    assert system.db is not None
    credential = new_id()
    async with system.db.transaction(acme.tenant_id) as conn:
        await conn.execute(
            "insert into credentials (tenant_id, credential_id, account_id, expires_at, kind)"
            " values ($1, $2, $3, now() + interval '1 hour', $4)",
            acme.tenant_id,
            credential,
            acme.account("editor"),
            kind,
        )
    before = await _guarded(system, acme.tenant_id, credential)
    await acme.command("admin", "deactivate-account", {"accountId": acme.account("editor")})

    after = await _guarded(system, acme.tenant_id, credential)

    assert (None, CREDENTIAL_ENDED) == (before, after)


async def _guarded(system: System, tenant_id: str, guard: str) -> str | None:
    """The SQLSTATE a transaction guarded by `guard` is refused with at BEGIN, or None."""
    assert system.db is not None
    transaction = InvocationTransaction(system.db.pool, tenant_id, guard=guard)
    try:
        await transaction.conn()
    except asyncpg.PostgresError as error:
        return str(error.sqlstate)
    await transaction.end(failed=False)
    return None

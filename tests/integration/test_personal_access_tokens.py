"""Personal access tokens, service accounts and API keys through the pipeline: made,
authenticated, guarded, revoked (decisions 48 and 49)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ossature.kernel.context import Actor
from ossature.kernel.ids import new_id
from ossature.modules.identity.credentials import TokenAuthentication
from ossature.modules.identity.errors import CredentialRefused
from ossature.runtime.contexts import internal_context
from ossature.runtime.pipeline import Kind
from ossature.runtime.system import System
from tests.integration.support import Tenant, user

DAY = 24 * 3600


def _in(seconds: int) -> int:
    return int(time.time()) + seconds


async def _account(tenant: Tenant, role: str, folder: str) -> Actor:
    """A registered account of the tenant holding `role` at `folder`, acting internally."""
    made = await tenant.command(
        "admin",
        "register-account",
        # pragma: allowlist nextline secret: a test account's password
        {
            "email": f"{new_id().lower()}@example.com",
            "displayName": "P",
            # pragma: allowlist nextline secret: a throwaway test account's password
            "password": "a-long-password-1",
        },
    )
    account_id = made["accountId"]
    await tenant.command(
        "admin", "assign-role", {"accountId": account_id, "role": role, "folderId": folder}
    )
    actor = user(tenant.tenant_id, role, folder)
    return Actor(**{**_fields(actor), "account_id": account_id})


def _fields(actor: Actor) -> dict[str, Any]:
    return {name: getattr(actor, name) for name in actor.__struct_fields__}


def _authentication(system: System) -> TokenAuthentication:
    assert system.db is not None and system.secrets is not None
    return TokenAuthentication(system.db, system.secrets.credential_key)


async def _as(system: System, actor: Actor, kind: Kind, name: str, payload: Any) -> Any:
    assert system.pipeline is not None
    return await system.pipeline.invoke(kind, name, payload, internal_context(actor))


async def test_a_token_acts_as_its_owner_until_revoked_then_stops_at_once(
    system: System, tenant: Tenant
) -> None:
    """Authenticated, the token is its owner with their grants; once revoked, the very actor
    authenticated before (as a gateway keeps it) is refused by the guard, and a fresh
    authentication is refused too, with the same key."""
    owner = await _account(tenant, "project-editor", tenant.folders["EU"])
    made = await _as(
        system,
        owner,
        "command",
        "create-personal-access-token",
        {"name": "ci", "expiresAt": _in(DAY)},
    )
    assert 200 == made.status, made.error and made.error.key
    auth = _authentication(system)
    actor = await auth.actor(made.body["token"])
    listed = await _as(system, actor, "query", "list-projects", {"folderId": tenant.folders["EU"]})
    created = await _as(
        system,
        actor,
        "command",
        "create-project",
        {"folderId": tenant.folders["EU"], "name": "by token"},
    )
    # when
    revoked = await _as(
        system, owner, "command", "revoke-personal-access-token", {"tokenId": made.body["tokenId"]}
    )
    after = await _as(system, actor, "query", "list-projects", {"folderId": tenant.folders["EU"]})
    # then
    assert (200, 200, 200) == (listed.status, created.status, revoked.status)
    expected = (owner.account_id, "user", "personal-access-token", made.body["tokenId"])
    assert expected == (actor.account_id, actor.kind, actor.mechanism, actor.credential_id)
    assert (401, "identity.credential-refused") == (after.status, after.error and after.error.key)
    with pytest.raises(CredentialRefused):
        await _authentication(system).actor(made.body["token"])


async def test_a_repeat_of_create_answers_the_same_working_token_and_makes_one(
    system: System, tenant: Tenant
) -> None:
    owner = await _account(tenant, "project-viewer", tenant.folders["US"])
    key = new_id()
    assert system.pipeline is not None
    payload = {"name": "twice", "expiresAt": _in(DAY)}
    first = await system.pipeline.invoke(
        "command", "create-personal-access-token", payload, internal_context(owner, key)
    )
    again = await system.pipeline.invoke(
        "command", "create-personal-access-token", payload, internal_context(owner, key)
    )
    listed = await _as(system, owner, "query", "list-personal-access-tokens", {})
    # then
    assert first.body == again.body and again.repeat_of is not None
    assert [first.body["tokenId"]] == [t["tokenId"] for t in listed.body["tokens"]]
    assert owner.account_id == (await _authentication(system).actor(again.body["token"])).account_id


async def test_the_list_is_the_callers_own_without_secrets_and_another_s_token_is_404(
    system: System, tenant: Tenant
) -> None:
    mine = await _account(tenant, "project-viewer", tenant.folders["US"])
    theirs = await _account(tenant, "project-viewer", tenant.folders["US"])
    made = await _as(
        system,
        mine,
        "command",
        "create-personal-access-token",
        {"name": "mine", "expiresAt": _in(DAY)},
    )
    # when
    listed_by_them = await _as(system, theirs, "query", "list-personal-access-tokens", {})
    revoked_by_them = await _as(
        system, theirs, "command", "revoke-personal-access-token", {"tokenId": made.body["tokenId"]}
    )
    listed = await _as(system, mine, "query", "list-personal-access-tokens", {})
    # then
    assert {"tokens": []} == listed_by_them.body
    assert (404, "identity.credential-not-found") == (
        revoked_by_them.status,
        revoked_by_them.error and revoked_by_them.error.key,
    )
    (item,) = listed.body["tokens"]
    assert {"tokenId", "name", "createdAt", "expiresAt", "revokedAt"} == set(item)
    assert (made.body["tokenId"], "mine", None) == (
        item["tokenId"],
        item["name"],
        item["revokedAt"],
    )


@pytest.mark.parametrize("ahead", [-60, 400 * DAY])
async def test_an_expiry_in_the_past_or_beyond_a_year_is_refused_and_makes_nothing(
    system: System, tenant: Tenant, ahead: int
) -> None:
    owner = await _account(tenant, "project-viewer", tenant.folders["US"])
    refused = await _as(
        system,
        owner,
        "command",
        "create-personal-access-token",
        {"name": "x", "expiresAt": _in(ahead)},
    )
    listed = await _as(system, owner, "query", "list-personal-access-tokens", {})
    assert (422, "identity.invalid-expiry", []) == (
        refused.status,
        refused.error and refused.error.key,
        listed.body["tokens"],
    )


async def test_a_token_cannot_make_another_token(system: System, tenant: Tenant) -> None:
    owner = await _account(tenant, "project-viewer", tenant.folders["US"])
    made = await _as(
        system,
        owner,
        "command",
        "create-personal-access-token",
        {"name": "x", "expiresAt": _in(DAY)},
    )
    actor = await _authentication(system).actor(made.body["token"])
    refused = await _as(
        system,
        actor,
        "command",
        "create-personal-access-token",
        {"name": "y", "expiresAt": _in(DAY)},
    )
    assert (403, "identity.session-required") == (
        refused.status,
        refused.error and refused.error.key,
    )


async def test_an_api_key_acts_as_its_service_account_with_its_role_until_revoked(
    system: System, tenant: Tenant
) -> None:
    made = await tenant.command(
        "admin",
        "create-service-account",
        {"name": "exporter", "role": "project-editor", "folderId": tenant.folders["EU"]},
    )
    account = made["serviceAccountId"]
    key = await tenant.command(
        "admin", "create-api-key", {"serviceAccountId": account, "name": "k", "expiresAt": _in(DAY)}
    )
    actor = await _authentication(system).actor(key["apiKey"])
    created = await _as(
        system,
        actor,
        "command",
        "create-project",
        {"folderId": tenant.folders["France"], "name": "by key"},
    )
    elsewhere = await _as(
        system, actor, "command", "create-project", {"folderId": tenant.folders["US"], "name": "no"}
    )
    # when
    await tenant.command("admin", "revoke-api-key", {"keyId": key["keyId"]})
    after = await _as(system, actor, "query", "list-projects", {"folderId": tenant.folders["EU"]})
    # then
    assert ("service", "api-key", key["keyId"], account) == (
        actor.kind,
        actor.mechanism,
        actor.credential_id,
        actor.account_id,
    )
    assert (200, 403) == (created.status, elsewhere.status)
    assert (401, "identity.credential-refused") == (after.status, after.error and after.error.key)
    with pytest.raises(CredentialRefused):
        await _authentication(system).actor(key["apiKey"])


async def test_service_accounts_and_keys_need_the_right_at_the_folder(
    system: System, tenant: Tenant
) -> None:
    """An editor may not make a service account; a key for an unknown service account, or for
    a user account, is 404; only a role a tenant hands out is given."""
    editor = await _as(
        system,
        tenant.actors["editor"],
        "command",
        "create-service-account",
        {"name": "s", "role": "project-viewer", "folderId": tenant.folders["EU"]},
    )
    unknown = await tenant.invoke(
        "admin",
        "command",
        "create-api-key",
        {"serviceAccountId": new_id(), "name": "k", "expiresAt": _in(DAY)},
    )
    person = await _account(tenant, "project-viewer", tenant.folders["US"])
    of_a_person = await tenant.invoke(
        "admin",
        "command",
        "create-api-key",
        {"serviceAccountId": person.account_id, "name": "k", "expiresAt": _in(DAY)},
    )
    operator = await tenant.invoke(
        "admin",
        "command",
        "create-service-account",
        {"name": "s", "role": "platform-operator", "folderId": tenant.folders["Global"]},
    )
    assert [403, 404, 404, 422] == [
        editor.status,
        unknown.status,
        of_a_person.status,
        operator.status,
    ]
    assert "access.unknown-role" == (operator.error and operator.error.key)


async def test_tokens_of_another_tenant_or_forged_are_refused_alike(
    system: System, tenant: Tenant
) -> None:
    """Moved to another tenant, or with a changed secret, a token gets the one refusal."""
    owner = await _account(tenant, "project-viewer", tenant.folders["US"])
    made = await _as(
        system,
        owner,
        "command",
        "create-personal-access-token",
        {"name": "x", "expiresAt": _in(DAY)},
    )
    token: str = made.body["token"]
    auth = _authentication(system)
    keys = []
    for bad in (
        token.replace(tenant.tenant_id, new_id()),
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "oss_pat_junk",
    ):
        with pytest.raises(CredentialRefused) as refused:
            await auth.actor(bad)
        keys.append(refused.value.key)
    assert ["identity.credential-refused"] * 3 == keys

"""Impersonation on the real engines: an operator acts as an account, and both are seen."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ossature.kernel.context import Actor, Context, Grant
from ossature.kernel.ids import new_id
from ossature.modules.identity._tokens import AccessClaims
from ossature.runtime.contexts import OPERATOR, internal_context, new_trace
from ossature.runtime.system import System
from tests.integration._push import PASSWORD, PushTenant, push_tenant


@pytest.fixture
async def acme(system: System) -> PushTenant:
    return await push_tenant(system)


@pytest.fixture
async def operator(system: System) -> AccessClaims:
    """A person holding platform-operator in a tenant of its own, logged in."""
    pipeline = system.pipeline
    assert pipeline is not None and system.secrets is not None
    slug = f"op-{new_id().lower()[-12:]}"
    made = await pipeline.invoke(
        "command", "create-tenant", {"slug": slug, "displayName": slug}, internal_context(OPERATOR)
    )
    tenant_id, root = made.body["tenantId"], made.body["rootFolderId"]
    seeder = Actor(
        account_id="seeder",
        kind="service",
        tenant_id=tenant_id,
        mechanism="internal",
        grants=(Grant("tenant-admin", root), Grant("platform-operator", root)),
    )
    email = f"operator@{slug}.test"
    body = {"email": email, "displayName": "Operator", "password": PASSWORD}
    account = await pipeline.invoke("command", "register-account", body, internal_context(seeder))
    assignment = {"accountId": account.body["accountId"], "role": "platform-operator"}
    assigned = await pipeline.invoke(
        "command", "assign-role", {**assignment, "folderId": root}, internal_context(seeder)
    )
    assert assigned.status == 200, assigned.error and assigned.error.key
    login = {"tenant": slug, "email": email, "password": PASSWORD}
    answer = await pipeline.invoke("command", "log-in", login, internal_context(OPERATOR))
    return system.secrets.keys.verify(answer.body["accessToken"], int(time.time()))


def context_of(claims: AccessClaims) -> Context:
    """The context the gateway builds from a token's claims."""
    actor = Actor(
        account_id=claims.account_id,
        kind="user",
        tenant_id=claims.tenant_id,
        mechanism="session",
        session_id=claims.session_id,
        on_behalf_of=claims.acting_party,
        grants=tuple(Grant(role=g.role, folder_id=g.folder_id) for g in claims.grants),
    )
    return Context(access=actor, trace=new_trace())


async def _invoke(system: System, claims: AccessClaims, kind: Any, name: str, body: Any) -> Any:
    assert system.pipeline is not None
    return await system.pipeline.invoke(kind, name, body, context_of(claims))


async def _impersonate(system: System, operator: AccessClaims, account_id: str) -> AccessClaims:
    body = {"accountId": account_id, "reason": "ticket 42: cannot see a project"}
    answer = await _invoke(system, operator, "command", "start-impersonation", body)
    assert answer.status == 200, answer.error and answer.error.key
    assert system.secrets is not None
    return system.secrets.keys.verify(answer.body["accessToken"], int(time.time()))


async def test_the_token_names_the_account_its_tenant_and_the_operator(
    system: System, acme: PushTenant, operator: AccessClaims
) -> None:
    """Subject: the viewer, in acme, with the viewer's grants; act: the operator; 10 min."""
    claims = await _impersonate(system, operator, acme.account("viewer"))
    expected = (
        acme.account("viewer"),
        acme.tenant_id,
        acme.claims["viewer"].grants,
        operator.account_id,
        600,
    )

    actual = (
        claims.account_id,
        claims.tenant_id,
        claims.grants,
        claims.acting_party,
        claims.expires_at - claims.not_before,
    )
    assert expected == actual


async def test_the_impersonated_user_sees_both_ids_in_their_own_audit(
    system: System, acme: PushTenant, operator: AccessClaims
) -> None:
    """What the operator did as the viewer is in the viewer's entries, naming the operator."""
    claims = await _impersonate(system, operator, acme.account("viewer"))
    listed = await _invoke(system, claims, "query", "list-projects", {})
    assert listed.status == 200

    entries = await acme.system.pipeline.invoke(  # type: ignore[union-attr]
        "query", "list-audit-entries", {}, acme.ctx("viewer")
    )

    seen = [
        (e["name"], e["actorId"], e["onBehalfOf"])
        for e in entries.body["entries"]
        if e["onBehalfOf"] is not None
    ]
    assert [("list-projects", acme.account("viewer"), operator.account_id)] == seen


async def test_the_session_records_the_operator_and_the_reason(
    system: System, acme: PushTenant, operator: AccessClaims
) -> None:
    """The session's row names who acts in it and why."""
    claims = await _impersonate(system, operator, acme.account("viewer"))
    assert system.db is not None
    async with system.db.transaction(acme.tenant_id, readonly=True) as conn:
        row = await conn.fetchrow(
            "select on_behalf_of, reason from credentials where credential_id = $1",
            claims.session_id,
        )

    assert (operator.account_id, "ticket 42: cannot see a project") == tuple(row)


async def test_an_impersonation_cannot_start_another(
    system: System, acme: PushTenant, operator: AccessClaims
) -> None:
    """Even with an operator's grants, a context acting on behalf of someone is refused."""
    claims = await _impersonate(system, operator, acme.account("viewer"))
    nested = AccessClaims(**{**claims.__dict__, "grants": operator.grants})
    body = {"accountId": acme.account("editor"), "reason": "again"}

    answer = await _invoke(system, nested, "command", "start-impersonation", body)

    assert (403, "identity.cannot-impersonate") == (
        answer.status,
        answer.error and answer.error.key,
    )


async def test_an_operator_cannot_be_impersonated(system: System, operator: AccessClaims) -> None:
    """Refused 403, keyed."""
    body = {"accountId": operator.account_id, "reason": "curious"}

    answer = await _invoke(system, operator, "command", "start-impersonation", body)

    assert (403, "identity.cannot-impersonate") == (
        answer.status,
        answer.error and answer.error.key,
    )


async def test_a_tenant_admin_cannot_impersonate(system: System, acme: PushTenant) -> None:
    """platform.impersonate is the operators' alone."""
    body = {"accountId": acme.account("viewer"), "reason": "curious"}

    answer = await acme.system.pipeline.invoke(  # type: ignore[union-attr]
        "command", "start-impersonation", body, acme.ctx("admin")
    )

    assert (403, "errors.denied") == (answer.status, answer.error and answer.error.key)


async def test_an_unknown_account_is_not_found(system: System, operator: AccessClaims) -> None:
    """404 keyed, whatever the tenant."""
    body = {"accountId": "nobody", "reason": "curious"}

    answer = await _invoke(system, operator, "command", "start-impersonation", body)

    assert (404, "identity.account-not-found") == (answer.status, answer.error and answer.error.key)

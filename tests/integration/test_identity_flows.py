"""Invitations, email verification, password reset and change on the real engines: what the
read models hold after each, which sessions still get in, which tokens are refused."""

from __future__ import annotations

import statistics
import time
from typing import Any

from ossature.kernel.context import Actor, Context, Provenance
from ossature.kernel.ids import new_id
from ossature.modules.identity._one_time import OneTimeTokens, Purpose
from ossature.runtime.contexts import internal_context, new_trace
from ossature.runtime.pipeline import Result
from ossature.runtime.system import System
from tests.integration.support import Tenant, account_by_email

# pragma: allowlist nextline secret: a throwaway test password
PASSWORD = "flows-test-password"
# pragma: allowlist nextline secret: a throwaway test password
NEW_PASSWORD = "flows-new-password"


def anonymous(key: str | None = None) -> Context:
    return Context(access=None, trace=new_trace(key))


async def public(system: System, name: str, payload: Any, key: str | None = None) -> Result:
    assert system.pipeline is not None
    return await system.pipeline.invoke("command", name, payload, anonymous(key))


def token_of(system: System, purpose: Purpose, tenant: Tenant, token_id: str) -> str:
    assert system.pipeline is not None
    tokens = system.pipeline.services[OneTimeTokens]
    assert isinstance(tokens, OneTimeTokens)
    return tokens.token(purpose, tenant.tenant_id, token_id)


async def slug_of(tenant: Tenant) -> str:
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(None, readonly=True) as conn:
        return str(
            await conn.fetchval("select slug from tenants where tenant_id = $1", tenant.tenant_id)
        )


async def account_row(tenant: Tenant, email: str) -> dict[str, Any]:
    row = await account_by_email(tenant.system, tenant.tenant_id, email)
    assert row is not None
    return row


async def log_in(tenant: Tenant, email: str, password: str) -> Result:
    body = {"tenant": await slug_of(tenant), "email": email, "password": password}
    return await public(tenant.system, "log-in", body)


def in_session(tenant: Tenant, answer: Result) -> Context:
    """The context of requests made with the access token `answer` (a log-in's) carries."""
    assert tenant.system.secrets is not None
    claims = tenant.system.secrets.keys.verify(answer.body["accessToken"], int(time.time()))
    actor = Actor(
        account_id=claims.account_id,
        kind="user",
        tenant_id=claims.tenant_id,
        mechanism="session",
        session_id=claims.session_id,
    )
    return internal_context(actor)


async def still_in(tenant: Tenant, ctx: Context) -> int:
    """The status a session's request gets (200 while open, 401 once ended)."""
    assert tenant.system.pipeline is not None
    return (
        await tenant.system.pipeline.invoke(
            "query", "get-my-permissions", {"folderId": tenant.folders["Global"]}, ctx
        )
    ).status


async def invited(tenant: Tenant, email: str, role: str = "project-editor") -> tuple[str, str]:
    """An invitation of `email` as `role` at EU: the account id and the mailed token."""
    body = {"email": email, "displayName": "Ada", "role": role, "folderId": tenant.folders["EU"]}
    made = await tenant.command("admin", "invite-account", body)
    return made["accountId"], token_of(tenant.system, "invitation", tenant, made["invitationId"])


async def member(tenant: Tenant, email: str) -> str:
    """An account that accepted its invitation with PASSWORD; its id."""
    account_id, token = await invited(tenant, email)
    accepted = await public(
        tenant.system, "accept-invitation", {"token": token, "password": PASSWORD}
    )
    assert 200 == accepted.status, accepted.error and accepted.error.key
    return account_id


async def test_an_invited_account_accepts_then_logs_in_with_the_role_and_a_verified_email(
    tenant: Tenant,
) -> None:
    email = f"ada-{new_id().lower()}@example.com"
    account_id, token = await invited(tenant, email.upper())
    before = await log_in(tenant, email, PASSWORD)

    accepted = await public(
        tenant.system, "accept-invitation", {"token": token, "password": PASSWORD}
    )
    after = await log_in(tenant, email, PASSWORD)

    row = await account_row(tenant, email)
    assert (401, 200, 200) == (before.status, accepted.status, after.status)
    assert {"accountId": account_id} == accepted.body
    assert (account_id, True) == (row["account_id"], row["email_verified"])
    assert tenant.system.secrets is not None
    claims = tenant.system.secrets.keys.verify(after.body["accessToken"], int(time.time()))
    assert ("project-editor", tenant.folders["EU"]) in {
        (g.role, g.folder_id) for g in claims.grants
    }


async def test_an_invitation_is_used_once_and_its_repeat_answers_the_first_outcome(
    tenant: Tenant,
) -> None:
    _, token = await invited(tenant, f"bo-{new_id().lower()}@example.com")
    payload, key = {"token": token, "password": PASSWORD}, new_id()
    first = await public(tenant.system, "accept-invitation", payload, key)

    repeat = await public(tenant.system, "accept-invitation", payload, key)
    again = await public(tenant.system, "accept-invitation", payload)

    assert (200, first.body) == (repeat.status, repeat.body)
    assert (410, "identity.token-used") == (again.status, again.error and again.error.key)


async def test_an_invitation_of_one_tenant_is_refused_by_a_caller_of_another(
    tenant: Tenant, system: System
) -> None:
    from tests.integration.support import make_tenant

    other = await make_tenant(system)
    _, token = await invited(tenant, f"cy-{new_id().lower()}@example.com")
    assert system.pipeline is not None

    refused = await system.pipeline.invoke(
        "command", "accept-invitation", {"token": token, "password": PASSWORD}, other.ctx("viewer")
    )

    assert (422, "identity.token-invalid") == (refused.status, refused.error and refused.error.key)


async def test_inviting_a_registered_email_is_a_conflict(tenant: Tenant) -> None:
    email = f"di-{new_id().lower()}@example.com"
    await invited(tenant, email)

    again = await tenant.invoke(
        "admin",
        "command",
        "invite-account",
        {
            "email": email,
            "displayName": "D",
            "role": "project-viewer",
            "folderId": tenant.folders["US"],
        },
    )

    assert (409, "identity.email-taken") == (again.status, again.error and again.error.key)


async def test_inviting_needs_the_right_to_create_accounts_at_the_folder(tenant: Tenant) -> None:
    body = {
        "email": f"ed-{new_id().lower()}@example.com",
        "displayName": "E",
        "role": "project-viewer",
        "folderId": tenant.folders["EU"],
    }

    refused = await tenant.invoke("editor", "command", "invite-account", body)

    assert 403 == refused.status


async def test_a_reset_sets_the_password_and_ends_every_session(tenant: Tenant) -> None:
    email = f"fa-{new_id().lower()}@example.com"
    account_id = await member(tenant, email)
    session = in_session(tenant, await log_in(tenant, email, PASSWORD))
    asked = await public(
        tenant.system, "request-password-reset", {"tenant": await slug_of(tenant), "email": email}
    )
    token = token_of(
        tenant.system, "password-reset", tenant, await reset_token_id(tenant, account_id)
    )

    reset = await public(
        tenant.system, "reset-password", {"token": token, "password": NEW_PASSWORD}
    )

    statuses = (asked.status, reset.status, await still_in(tenant, session))
    logins = (
        (await log_in(tenant, email, PASSWORD)).status,
        (await log_in(tenant, email, NEW_PASSWORD)).status,
    )
    assert ((200, 200, 401), (401, 200)) == (statuses, logins)
    used = await public(tenant.system, "reset-password", {"token": token, "password": PASSWORD})
    assert "identity.token-used" == (used.error and used.error.key)


async def reset_token_id(tenant: Tenant, account_id: str) -> str:
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        return str(
            await conn.fetchval(
                "select stream_id from events where event_type = 'password-reset-requested'"
                " and payload->>'accountId' = $1 order by position desc limit 1",
                account_id,
            )
        )


async def test_a_reset_request_answers_the_same_whether_or_not_the_account_exists(
    tenant: Tenant,
) -> None:
    """The answers are identical; the medians of both timings are printed, never asserted."""
    email = f"gi-{new_id().lower()}@example.com"
    await member(tenant, email)
    slug = await slug_of(tenant)
    timings: dict[bool, list[float]] = {True: [], False: []}
    answers: set[tuple[int, str]] = set()
    for round_ in range(40):
        for exists in (True, False):
            address = email if exists else f"nobody-{round_}-{email}"
            started = time.perf_counter()
            answer = await public(
                tenant.system, "request-password-reset", {"tenant": slug, "email": address}
            )
            timings[exists].append(time.perf_counter() - started)
            answers.add((answer.status, repr(sorted(answer.body.items()))))
    medians = {
        exists: round(statistics.median(times) * 1000, 2) for exists, times in timings.items()
    }
    print(
        f"request-password-reset medians (ms): account exists {medians[True]}, not {medians[False]}"
    )

    assert {(200, "[('requested', True)]")} == answers


async def test_a_reset_of_an_unknown_tenant_is_refused_by_name(tenant: Tenant) -> None:
    refused = await public(
        tenant.system, "request-password-reset", {"tenant": "no-such-tenant-x", "email": "a@b.c"}
    )

    assert (404, "identity.tenant-unknown") == (refused.status, refused.error and refused.error.key)


async def test_changing_the_password_keeps_the_callers_session_and_ends_the_others(
    tenant: Tenant,
) -> None:
    email = f"ha-{new_id().lower()}@example.com"
    await member(tenant, email)
    mine = in_session(tenant, await log_in(tenant, email, PASSWORD))
    other = in_session(tenant, await log_in(tenant, email, PASSWORD))
    assert tenant.system.pipeline is not None
    body = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}

    changed = await tenant.system.pipeline.invoke("command", "change-password", body, mine)

    sessions = (changed.status, await still_in(tenant, mine), await still_in(tenant, other))
    logins = (
        (await log_in(tenant, email, PASSWORD)).status,
        (await log_in(tenant, email, NEW_PASSWORD)).status,
    )
    assert ((200, 200, 401), (401, 200)) == (sessions, logins)


async def test_changing_the_password_with_a_wrong_current_one_changes_nothing(
    tenant: Tenant,
) -> None:
    email = f"ib-{new_id().lower()}@example.com"
    await member(tenant, email)
    mine = in_session(tenant, await log_in(tenant, email, PASSWORD))
    assert tenant.system.pipeline is not None
    body = {"currentPassword": PASSWORD + "x", "newPassword": NEW_PASSWORD}

    refused = await tenant.system.pipeline.invoke("command", "change-password", body, mine)

    assert (422, "identity.wrong-current-password", 200) == (
        refused.status,
        refused.error and refused.error.key,
        (await log_in(tenant, email, PASSWORD)).status,
    )


async def test_an_email_is_verified_by_the_mailed_token_once(tenant: Tenant) -> None:
    email = f"jo-{new_id().lower()}@example.com"
    registered = await tenant.command(
        "admin", "register-account", {"email": email, "displayName": "Jo", "password": PASSWORD}
    )
    session = in_session(tenant, await log_in(tenant, email, PASSWORD))
    assert tenant.system.pipeline is not None
    asked = await tenant.system.pipeline.invoke(
        "command", "request-email-verification", {}, session
    )
    token = token_of(tenant.system, "email-verification", tenant, asked.body["verificationId"])

    verified = await public(tenant.system, "verify-email", {"token": token})
    assert session.access is not None
    again = await tenant.system.pipeline.invoke(
        "command", "request-email-verification", {}, internal_context(session.access)
    )

    assert {"accountId": registered["accountId"], "email": email} == verified.body
    assert (True, 409) == ((await account_row(tenant, email))["email_verified"], again.status)


async def test_an_invitation_is_refused_at_another_tenants_entry_point(
    tenant: Tenant, system: System
) -> None:
    """At `<other>.<root domain>` a token of this tenant is invalid; at its own, it works."""
    from tests.integration.support import make_tenant

    other = await make_tenant(system)
    _, token = await invited(tenant, f"ka-{new_id().lower()}@example.com")
    payload = {"token": token, "password": PASSWORD}
    assert system.pipeline is not None

    def at(slug: str) -> Context:
        return Context(access=None, provenance=Provenance(entry_point=slug), trace=new_trace(None))

    elsewhere = await system.pipeline.invoke(
        "command", "accept-invitation", payload, at(await slug_of(other))
    )
    at_home = await system.pipeline.invoke(
        "command", "accept-invitation", payload, at(await slug_of(tenant))
    )

    refused = (elsewhere.status, elsewhere.error and elsewhere.error.key)
    assert ((422, "identity.token-invalid"), 200) == (refused, at_home.status)

"""Requirements over HTTP: an analytics command refused for terms not accepted, then allowed
after accept-terms; a German tenant's rules (a verified email) refused, then met by the mailed
link; get-my-capabilities names what is unmet before and not after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pyotp
import pytest

from ossature.kernel.config import Settings
from ossature.runtime.contexts import internal_context, tenant_service
from ossature.runtime.endpoints import engines
from ossature.runtime.pipeline import Pipeline
from ossature.runtime.system import System as OssatureSystem
from tests.blackbox._api import System, Tenant, TokenFor, call, log_in, new_ulid
from tests.blackbox._mail import mailed_token
from tests.external.environment import external_environment

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


@asynccontextmanager
async def operators_shell(system: System) -> AsyncIterator[Pipeline]:
    """The pipeline of a process attached to the running system's engines, as `ossature
    analytics` attaches: how an operator's shell reaches a tenant that has no one yet."""
    settings = Settings.from_env(
        {"OSSATURE_VAR_DIR": str(system.var_dir), **external_environment()}
    )
    with engines(settings, attach=True) as endpoints:
        attached = OssatureSystem(settings, endpoints)
        await attached.start(roles=())
        try:
            assert attached.pipeline is not None
            yield attached.pipeline
        finally:
            if attached.audit is not None:
                await attached.audit.flush()
            await attached.stop()


async def german_admin(http: httpx.AsyncClient, system: System) -> tuple[str, str]:
    """A fresh tenant the operator creates over HTTP, in DE on team, and its first admin
    (registered from the operator's shell, email unverified): their email and token."""
    operator = await log_in(http, "operator@platform.test", system.password)
    slug = f"de-{new_ulid().lower()[-10:]}"
    body = {"slug": slug, "displayName": "Deutsch", "country": "DE"}
    made = await call(http, "commands/create-tenant", body, operator)
    assert 200 == made.status_code, made.text
    tenant_id, root = made.json()["tenantId"], made.json()["rootFolderId"]
    planned = await call(
        http, "commands/set-tenant-plan", {"tenantId": tenant_id, "plan": "team"}, operator
    )
    assert 200 == planned.status_code, planned.text
    email = f"admin@{slug}.test"
    seeder = tenant_service(tenant_id, root)
    async with operators_shell(system) as pipeline:
        account = {"email": email, "displayName": "Admin", "password": PASSWORD}
        registered = await pipeline.invoke(
            "command", "register-account", account, internal_context(seeder)
        )
        role = {"accountId": registered.body["accountId"], "role": "tenant-admin", "folderId": root}
        assigned = await pipeline.invoke("command", "assign-role", role, internal_context(seeder))
        assert 200 == assigned.status, assigned.error and assigned.error.key
    return email, await log_in(http, email, PASSWORD)


async def test_a_german_tenant_holds_its_people_to_each_requirement_until_met(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """In DE a product command needs a verified email, and an external source also the
    analytics terms and a second factor: each refusal names what is left, each flow (the
    mailed link, accept-terms, TOTP) meets its own, get-my-capabilities follows along. acme
    (FR) holds no one to the DE rules."""
    email, token = await german_admin(http, system)
    project = {"folderId": await root_of(http, token), "name": "Projekt"}
    source = {
        "name": "crm",
        "kind": "sqlite",
        "location": f"sources/de-{new_ulid().lower()}.sqlite3",
        "schedule": "0 3 1 1 *",
    }
    before = await unmet_ids(http, token)

    unverified = await call(http, "commands/create-project", project, token)
    await verify_email(http, system, email, token)
    verified = await call(http, "commands/create-project", project, token)
    unsigned = await call(http, "commands/configure-login-source", source, token)
    await accepted(http, token, "2026-12")
    without_mfa = await call(http, "commands/configure-login-source", source, token)
    middle = await unmet_ids(http, token)
    await enrolled(http, token)
    allowed = await call(http, "commands/configure-login-source", source, token)
    french = await person(http, await token_for("admin@acme"), acme)
    elsewhere = {"folderId": acme.folders["Global"], "name": "Ailleurs"}

    assert ["accepted-terms:2026-12", "verified-email", "mfa-enabled"] == before
    assert (403, "verified-email", "verify-email") == refusal(unverified)
    assert 200 == verified.status_code, verified.text
    assert (403, "accepted-terms:2026-12, mfa-enabled", "accept-terms") == refusal(unsigned)
    assert (403, "mfa-enabled", "enroll-totp") == refusal(without_mfa)
    assert ["mfa-enabled"] == middle
    assert 200 == allowed.status_code, allowed.text
    assert [] == await unmet_ids(http, token)
    assert 200 == (await call(http, "commands/create-project", elsewhere, french)).status_code
    assert [TERMS["id"]] == await unmet_ids(http, french)


def refusal(answer: httpx.Response) -> tuple[int, str, str]:
    """A refusal's status, the unmet ids and the flow of the first."""
    params = answer.json()["messageParams"]
    return answer.status_code, params["requirements"], params["unmet"][0]["flow"]


async def unmet_ids(http: httpx.AsyncClient, token: str) -> list[str]:
    return [u["id"] for u in (await capabilities(http, token))["unmet"]]


async def verify_email(http: httpx.AsyncClient, system: System, email: str, token: str) -> None:
    """The verification flow: asked for, then the mailed link used."""
    asked = await call(http, "commands/request-email-verification", {}, token)
    assert 200 == asked.status_code, asked.text
    mailed = await mailed_token(system, email, "/verify-email")
    verified = await call(http, "commands/verify-email", {"token": mailed})
    assert 200 == verified.status_code, verified.text


async def accepted(http: httpx.AsyncClient, token: str, version: str) -> None:
    answer = await call(http, "commands/accept-terms", {"version": version}, token)
    assert 200 == answer.status_code, answer.text


async def enrolled(http: httpx.AsyncClient, token: str) -> None:
    """TOTP enrolled and confirmed with a code of the secret."""
    secret = (await call(http, "commands/enroll-totp", {}, token)).json()["secret"]
    code = pyotp.TOTP(secret).now()
    confirmed = await call(http, "commands/confirm-totp", {"code": code}, token)
    assert 200 == confirmed.status_code, confirmed.text


async def root_of(http: httpx.AsyncClient, token: str) -> str:
    folders = (await call(http, "queries/list-folders", {}, token)).json()["folders"]
    return str(next(f["folderId"] for f in folders if f["parentId"] is None))

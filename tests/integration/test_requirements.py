"""Requirements and entitlements on the real engines: a command refused for what its caller
lacks, the flows that gain it, what get-my-capabilities says before and after."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest

from ossature.kernel.context import Actor, Grant
from ossature.kernel.database import Database, InvocationDatabase, InvocationTransaction
from ossature.kernel.deps import Deps
from ossature.kernel.eventstore import EventStore
from ossature.kernel.ids import new_id
from ossature.kernel.logging import get_logger
from ossature.kernel.unit_of_work import UnitOfWork
from ossature.modules.access.entitlements import hold
from ossature.modules.access.errors import RequirementUnmet
from ossature.modules.identity._one_time import OneTimeTokens
from ossature.modules.tenancy.subscription import Subscriptions
from ossature.runtime.contexts import OPERATOR, internal_context, tenant_service
from ossature.runtime.system import System
from tests.integration.analytics_support import configure, fresh_path
from tests.integration.support import Tenant, user

# pragma: allowlist nextline secret: a throwaway test password
PASSWORD = "requirements-test-password"
TERMS = {"id": "accepted-terms:2026-12", "satisfiedBy": ["signed-terms:2026-12"]}
EMAIL = {
    "id": "verified-email",
    "satisfiedBy": ["email-verified", "corporate-email"],
    "flow": "verify-email",
}


async def tenant_of(system: System, country: str, plan: str = "team") -> Tenant:
    """A fresh tenant of `country` on `plan`, made by the operator, with an admin."""
    assert system.pipeline is not None
    slug = f"r-{new_id().lower()[-12:]}"
    body = {"slug": slug, "displayName": slug, "country": country}
    made = await system.pipeline.invoke(
        "command", "create-tenant", body, internal_context(OPERATOR)
    )
    tenant_id, root = made.body["tenantId"], made.body["rootFolderId"]
    tenant = Tenant(
        system, tenant_id, {"Global": root}, {"seeder": tenant_service(tenant_id, root)}
    )
    planned = await system.pipeline.invoke(
        "command",
        "set-tenant-plan",
        {"tenantId": tenant_id, "plan": plan},
        internal_context(OPERATOR),
    )
    assert 200 == planned.status, planned.error and planned.error.key
    tenant.actors["admin"] = user(tenant_id, "tenant-admin", root)
    return tenant


async def registered(tenant: Tenant, who: str) -> str:
    """A person registered by the admin (their email not verified), acting as `who`."""
    body = {
        "email": f"{who}-{new_id().lower()}@example.com",
        "displayName": who,
        "password": PASSWORD,
    }
    account_id = (await tenant.command("seeder", "register-account", body))["accountId"]
    root = tenant.folders["Global"]
    tenant.actors[who] = Actor(
        account_id=account_id,
        kind="user",
        tenant_id=tenant.tenant_id,
        mechanism="internal",
        grants=(Grant(role="tenant-admin", folder_id=root),),
    )
    return account_id


async def project(tenant: Tenant, who: str) -> tuple[int, str | None, dict[str, Any]]:
    body = {"folderId": tenant.folders["Global"], "name": f"p-{new_id()}"}
    result = await tenant.invoke(who, "command", "create-project", body)
    return (
        result.status,
        result.error and result.error.key,
        result.error.params if result.error else {},
    )


async def projects_of(tenant: Tenant) -> int:
    assert tenant.system.db is not None
    async with tenant.system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        return int(await conn.fetchval("select count(*) from events where stream_type = 'project'"))


async def unmet_ids(tenant: Tenant, who: str) -> list[str]:
    answer = await tenant.invoke(who, "query", "get-my-capabilities", {})
    assert 200 == answer.status, answer.error and answer.error.key
    return [item["id"] for item in answer.body["unmet"]]


async def entitlements(tenant: Tenant, who: str) -> list[str]:
    answer = await tenant.invoke(who, "query", "list-my-entitlements", {})
    return [item["id"] for item in answer.body["entitlements"]]


async def test_a_product_command_is_refused_in_de_until_the_email_is_verified(
    system: System,
) -> None:
    """verified-email holds on the platform in DE: refused with its ways out, nothing stored;
    once the email is verified (by the mailed token), the same command runs."""
    tenant = await tenant_of(system, "DE")
    await registered(tenant, "ada")

    refused = await project(tenant, "ada")
    stored = await projects_of(tenant)
    await verify_email(tenant, "ada")
    allowed = await project(tenant, "ada")

    params = {"requirements": "verified-email", "unmet": [EMAIL]}
    assert (403, "access.requirement-unmet", params) == refused
    assert 0 == stored
    assert (200, None, {}) == allowed
    assert ["email-verified"] == await entitlements(tenant, "ada")


async def verify_email(tenant: Tenant, who: str) -> None:
    """The email verification flow, through its commands: asked, then the mailed token used."""
    assert tenant.system.pipeline is not None
    asked = await tenant.command(who, "request-email-verification", {})
    tokens = tenant.system.pipeline.services[OneTimeTokens]
    assert isinstance(tokens, OneTimeTokens)
    token = tokens.token("email-verification", tenant.tenant_id, asked["verificationId"])
    anonymous = internal_context(tenant.actors[who]).acting_as(None)
    verified = await tenant.system.pipeline.invoke(
        "command", "verify-email", {"token": token}, anonymous
    )
    assert 200 == verified.status, verified.error and verified.error.key


async def test_analytics_needs_the_terms_until_they_are_accepted(system: System) -> None:
    """accepted-terms:2026-12 holds on analytics everywhere: refused, named with accept-terms
    and its version in get-my-capabilities; accept-terms then lets the command run."""
    tenant = await tenant_of(system, "US")
    location = str(fresh_path(system))

    refused = await configure(tenant, "crm", location)
    before = await tenant.invoke("admin", "query", "get-my-capabilities", {})
    accepted = await tenant.command("admin", "accept-terms", {"version": "2026-12"})
    allowed = await configure(tenant, "crm", location)

    assert (403, "access.requirement-unmet") == (
        refused.status,
        refused.error and refused.error.key,
    )
    assert refused.error is not None
    assert [{**TERMS, "flow": "accept-terms"}] == refused.error.params["unmet"]
    assert {
        "id": "accepted-terms:2026-12",
        "scopes": ["module:analytics"],
        "satisfiedBy": ["signed-terms:2026-12"],
        "flow": "accept-terms",
        "version": "2026-12",
    } in before.body["unmet"]
    assert {"version": "2026-12", "entitlement": "signed-terms:2026-12"} == accepted
    assert 200 == allowed.status, allowed.error and allowed.error.key
    assert [] == await unmet_ids(tenant, "admin")


async def test_capabilities_name_the_plan_modules_features_and_what_is_unmet(
    system: System,
) -> None:
    """A DE team tenant's unverified person: analytics on, external sources on, and three
    requirements to meet; the person of a US tenant is not held to the DE ones."""
    german, american = await tenant_of(system, "DE"), await tenant_of(system, "US")
    await registered(german, "ada")
    await registered(american, "bob")

    answer = await german.invoke("ada", "query", "get-my-capabilities", {})

    assert "team" == answer.body["plan"]
    assert answer.body["modules"]["analytics"] is True
    assert answer.body["features"]["analytics.external-sources"] is True
    assert ["accepted-terms:2026-12", "verified-email", "mfa-enabled"] == [
        item["id"] for item in answer.body["unmet"]
    ]
    assert ["accepted-terms:2026-12"] == await unmet_ids(american, "bob")


async def test_a_service_is_not_held_to_requirements(system: System) -> None:
    """The seeder (a service actor) configures a source with no terms accepted, and its
    capabilities list nothing unmet."""
    tenant = await tenant_of(system, "DE")

    result = await configure(tenant, "crm", str(fresh_path(system)), who="seeder")

    assert 200 == result.status, result.error and result.error.key
    assert [] == await unmet_ids(tenant, "seeder")


async def test_an_impersonating_operator_is_held_to_the_accounts_entitlements(
    system: System,
) -> None:
    """The operator acting as the admin is refused as the admin is, and may not accept the
    terms in the admin's name; the admin's own acceptance then admits both."""
    tenant = await tenant_of(system, "US")
    admin = tenant.actors["admin"]
    tenant.actors["operator"] = Actor(**{**_fields(admin), "on_behalf_of": "operator-1"})
    location = str(fresh_path(system))

    refused = await configure(tenant, "crm", location, who="operator")
    signed = await tenant.invoke("operator", "command", "accept-terms", {"version": "2026-12"})
    await tenant.command("admin", "accept-terms", {"version": "2026-12"})
    allowed = await configure(tenant, "crm", location, who="operator")

    assert (
        403 == refused.status and refused.error and refused.error.key == "access.requirement-unmet"
    )
    assert (403, "access.account-only") == (signed.status, signed.error and signed.error.key)
    assert 200 == allowed.status, allowed.error and allowed.error.key


def _fields(actor: Actor) -> dict[str, Any]:
    return {name: getattr(actor, name) for name in actor.__struct_fields__}


@pytest.mark.parametrize("version", ["2027-01", "2026-12 "])
async def test_terms_no_requirement_names_are_refused_and_nothing_is_gained(
    system: System, version: str
) -> None:
    tenant = await tenant_of(system, "US")

    result = await tenant.invoke("admin", "command", "accept-terms", {"version": version})

    assert (422, "access.unknown-terms-version") == (
        result.status,
        result.error and result.error.key,
    )
    assert [] == await entitlements(tenant, "admin")


async def test_accepting_the_same_terms_twice_gains_them_once(system: System) -> None:
    tenant = await tenant_of(system, "US")

    first = await tenant.command("admin", "accept-terms", {"version": "2026-12"})
    again = await tenant.command("admin", "accept-terms", {"version": "2026-12"})

    assert first == again
    assert ["signed-terms:2026-12"] == await entitlements(tenant, "admin")


async def test_mfa_enrolled_is_gained_with_totp_and_lost_with_it(system: System) -> None:
    """confirm-totp gains mfa-enrolled, which meets mfa-enabled in DE; disable-totp loses it."""
    tenant = await tenant_of(system, "DE")
    await registered(tenant, "ada")

    secret = (await tenant.command("ada", "enroll-totp", {}))["secret"]
    codes = await tenant.command("ada", "confirm-totp", {"code": pyotp.TOTP(secret).now()})
    enrolled = await entitlements(tenant, "ada")
    unmet_enrolled = await unmet_ids(tenant, "ada")
    await tenant.command("ada", "disable-totp", {"code": codes["recoveryCodes"][0]})

    assert ["mfa-enrolled"] == enrolled
    assert "mfa-enabled" not in unmet_enrolled
    assert [] == await entitlements(tenant, "ada")
    assert "mfa-enabled" in await unmet_ids(tenant, "ada")


async def test_the_requirements_of_an_invocation_holding_the_pools_last_connection(
    system: System,
) -> None:
    """Entitlements are checked after authorization, which may have begun the invocation's
    transaction. The tenant's subscription, just changed and so read again, is read through
    that transaction: on a pool of one connection, which the invocation holds, the check
    ends (refused: the email is not verified) instead of waiting for a second connection."""
    assert system.pipeline is not None
    tenant = await tenant_of(system, "DE")
    await registered(tenant, "ada")
    ctx = internal_context(tenant.actors["ada"])
    pool = await Database.connect(system.owner_url, min_size=1, max_size=1)
    transaction = InvocationTransaction(pool.pool, tenant.tenant_id)
    db = InvocationDatabase(pool.pool, transaction)
    subscriptions = Subscriptions(pool, system.app.modules)
    subscriptions.forget(tenant.tenant_id)  # changed just now: read again, not remembered
    store = EventStore()
    deps = Deps(
        db,
        store,
        UnitOfWork(db, store, ctx),
        datetime.now(UTC),
        get_logger("test"),
        system.pipeline.access.on(db),
        {Subscriptions: subscriptions},
    )
    try:
        await transaction.conn()  # begun, as authorization begins it: the only connection
        # when
        checked = hold(system.pipeline.requirements, ctx, "create-project", deps)
        # then
        with pytest.raises(RequirementUnmet):
            await asyncio.wait_for(checked, 20)
    finally:
        await transaction.end(failed=True)
        await pool.close()

"""Log-in throttling on the real engines: shared by every pipeline, committed although the
log-in is refused, released after the wait, reset by a success (decision 53)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.ids import new_id
from ossature.modules.identity._throttle import Rules
from ossature.modules.identity.service import IdentityService
from ossature.runtime.contexts import new_trace
from ossature.runtime.pipeline import Pipeline, Result
from ossature.runtime.system import System
from tests.integration.support import Tenant, account_by_email, eventually

PASSWORD = "correct horse battery"  # pragma: allowlist secret: a test account's password


def _pipeline(system: System, lock_seconds: float = 60) -> Pipeline:
    """Another pipeline on the same database, as a second gateway would have."""
    assert system.pipeline is not None and system.db is not None
    first = system.pipeline
    identity = first.services[IdentityService]
    assert isinstance(identity, IdentityService)
    rules = Rules(base=timedelta(seconds=lock_seconds))
    services = {**first.services, IdentityService: replace(identity, throttle=rules)}
    return Pipeline(first.app, system.db, first.access, first.audit, services)


async def _account(system: System, tenant: Tenant) -> tuple[str, str]:
    """A fresh account's (slug, email) in `tenant`."""
    assert system.db is not None
    async with system.db.transaction(None, readonly=True) as conn:
        slug = await conn.fetchval(
            "select slug from tenants where tenant_id = $1", tenant.tenant_id
        )
    email = f"{new_id().lower()}@example.test"
    payload = {"email": email, "displayName": "Target", "password": PASSWORD}
    await tenant.command("seeder", "register-account", payload)
    return slug, email


async def _log_in(pipeline: Pipeline, slug: str, email: str, password: str) -> Result:
    ctx = Context(access=None, trace=new_trace())
    body = {"tenant": slug, "email": email, "password": password}
    return await pipeline.invoke("command", "log-in", body, ctx)


def _keys(results: list[Result]) -> list[Any]:
    return [r.error.key if r.error else r.status for r in results]


async def test_five_failures_lock_the_account_at_every_gateway(
    system: System, tenant: Tenant
) -> None:
    """Failures counted by one pipeline lock log-ins at another, the right password too."""
    slug, email = await _account(system, tenant)
    one, other = _pipeline(system), _pipeline(system)
    failures = [await _log_in(one, slug, email, "wrong") for _ in range(5)]
    locked = await _log_in(other, slug, email, PASSWORD)

    assert locked.error is not None
    expected = (["identity.invalid-credentials"] * 5, 429, "identity.too-many-attempts", True)
    actual = (
        _keys(failures),
        locked.status,
        locked.error.key,
        55 <= int(locked.error.params["retryAfter"]) <= 60,  # type: ignore[call-overload]
    )
    assert expected == actual


async def test_a_lock_is_one_event_and_the_failures_are_the_tenants_entries(
    system: System, tenant: Tenant
) -> None:
    """Refused attempts during the lock append nothing more; the audit names the account
    (known) or a hash of the email (unknown), never the email."""
    assert system.db is not None
    slug, email = await _account(system, tenant)
    pipeline = _pipeline(system)
    for _ in range(7):
        await _log_in(pipeline, slug, email, "wrong")
    await _log_in(pipeline, slug, f"nobody-{email}", "wrong")
    async with system.db.transaction(tenant.tenant_id, readonly=True) as conn:
        events = await conn.fetchval(
            "select count(*) from events where event_type = 'log-ins-throttled'"
        )
        rows = await conn.fetch(
            "select actor_id, message_key, context::text as context from audit_entries"
            " where name = 'log-in' order by entry_id"
        )

    found = await account_by_email(system, tenant.tenant_id, email)
    assert found is not None
    account = found["account_id"]
    actors = [row["actor_id"] for row in rows]
    keys = [row["message_key"] for row in rows]
    expected = (
        1,
        [account] * 5 + [actors[5]] * 2,
        ["identity.invalid-credentials"] * 5 + ["identity.too-many-attempts"] * 2,
        "identity.invalid-credentials",
        False,
    )
    actual = (
        events,
        actors[:7],
        keys[:7],
        keys[7],
        any(email in row["context"] or email in (row["actor_id"] or "") for row in rows),
    )
    assert expected == actual
    assert actors[5].startswith("email:") and actors[7].startswith("email:")
    assert actors[7] != actors[5]


async def test_a_lock_releases_after_its_wait_and_a_success_resets_the_count(
    system: System, tenant: Tenant
) -> None:
    slug, email = await _account(system, tenant)
    pipeline = _pipeline(system, lock_seconds=1)
    for _ in range(5):
        await _log_in(pipeline, slug, email, "wrong")

    released = await eventually(
        lambda: _log_in(pipeline, slug, email, PASSWORD), lambda r: r.status == 200, within=30
    )
    after_reset = [await _log_in(pipeline, slug, email, "wrong") for _ in range(4)]
    still_open = await _log_in(pipeline, slug, email, PASSWORD)

    assert (200, [401] * 4, 200) == (
        released.status,
        [r.status for r in after_reset],
        still_open.status,
    )

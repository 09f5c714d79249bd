"""Quotas over HTTP: a tenant on trial (quota 50) is refused its 51st operation of the
cycle, even with 20 concurrent clients, and works again at once after set-tenant-plan."""

from __future__ import annotations

import asyncio

import httpx

from tests.blackbox._api import System, Tenant, TokenFor, call, log_in, new_ulid, problem_of

TRIAL_QUOTA = 50


async def _used_this_cycle(http: httpx.AsyncClient, operator: str, tenant: Tenant) -> int:
    """The tenant's operations in its open cycle, as the back-office shows them (the cycle may
    have begun after the month did: an operator closes one early)."""
    answer = await call(http, "queries/get-tenant", {"tenantId": tenant.tenant_id}, operator)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["cycle"]["used"])


async def _set_plan(http: httpx.AsyncClient, operator: str, tenant: Tenant, plan: str) -> None:
    payload = {"tenantId": tenant.tenant_id, "plan": plan}
    answer = await call(http, "commands/set-tenant-plan", payload, operator)
    assert answer.status_code == 200, answer.text


async def _create_projects(
    http: httpx.AsyncClient, token: str, folder: str, count: int, clients: int
) -> list[httpx.Response]:
    todo = list(range(count))
    answers: list[httpx.Response] = []

    async def client() -> None:
        while todo:
            payload = {"folderId": folder, "name": f"quota {todo.pop()} {new_ulid()}"}
            headers = {"Idempotency-Key": new_ulid()}
            answers.append(await call(http, "commands/create-project", payload, token, headers))

    await asyncio.gather(*(client() for _ in range(clients)))
    return answers


async def test_a_trial_tenant_is_refused_its_51st_operation_and_works_after_a_bigger_plan(
    system: System, http: httpx.AsyncClient, token_for: TokenFor, globex: Tenant
) -> None:
    """globex on trial, 20 clients send 20 more commands than its quota leaves: exactly the
    room left succeeds, the rest are 403 billing.quota-exceeded; list-projects still works;
    back on starter, the next command succeeds."""
    operator = await log_in(http, "operator@platform.test", system.password)
    admin = await token_for("admin@globex")
    await _set_plan(http, operator, globex, "trial")
    try:
        room = max(0, TRIAL_QUOTA - await _used_this_cycle(http, operator, globex))
        # when
        answers = await _create_projects(
            http, admin, globex.folders["France"], room + 20, clients=20
        )
        # then
        statuses = sorted(answer.status_code for answer in answers)
        assert [200] * room + [403] * 20 == statuses
        refused = next(answer for answer in answers if answer.status_code == 403)
        assert (403, "billing.quota-exceeded") == problem_of(refused)
        assert {"quota": TRIAL_QUOTA, "plan": "trial"} == refused.json()["messageParams"]
        assert TRIAL_QUOTA == await _used_this_cycle(http, operator, globex)
        listed = await call(http, "queries/list-projects", {}, admin)
        assert 200 == listed.status_code
        # when the operator sets a bigger plan
        await _set_plan(http, operator, globex, "starter")
        # then
        again = await _create_projects(http, admin, globex.folders["EU"], 1, clients=1)
        assert [200] == [answer.status_code for answer in again]
    finally:
        await _set_plan(http, operator, globex, "starter")

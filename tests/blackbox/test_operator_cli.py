"""`ossature operator create`: an operator account whose password is printed once."""

from __future__ import annotations

import asyncio
import subprocess

import httpx

from tests.blackbox._api import System, Tenant, call, claims_of, new_ulid, run_cli


async def _create(system: System, email: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(run_cli, system, "operator", "create", email, "--name", "Ops")


def _password(ran: subprocess.CompletedProcess[str]) -> str:
    assert 0 == ran.returncode, ran.stdout + ran.stderr
    return ran.stdout.strip().splitlines()[-1]


async def test_an_operator_made_by_the_cli_logs_in_with_no_tenant(
    http: httpx.AsyncClient, system: System, acme: Tenant
) -> None:
    """The printed password logs in to the platform tenant, naming no tenant; the account
    holds only the platform-operator role, so it reads no acme project."""
    email = f"ops-{new_ulid().lower()}@platform.test"
    password = _password(await _create(system, email))

    logged = await call(http, "commands/log-in", {"email": email, "password": password})
    named = {"tenant": "platform", "email": email, "password": password}
    platform = await call(http, "commands/log-in", named)
    token = logged.json()["accessToken"]
    project = acme.projects["Website relaunch"]
    read = await call(http, "queries/get-project", {"projectId": project}, token)

    claims = claims_of(token)
    assert (200, 200) == (logged.status_code, platform.status_code)
    assert ["platform-operator"] == [grant["role"] for grant in claims["roles"]]
    assert claims["tid"] == claims_of(platform.json()["accessToken"])["tid"] != acme.tenant_id
    assert read.status_code in (403, 404)


async def test_an_email_already_an_account_is_refused_with_exit_1(system: System) -> None:
    """The second create of one email fails, saying why, and prints no password."""
    email = f"twice-{new_ulid().lower()}@platform.test"
    first = _password(await _create(system, email))

    again = await _create(system, email)

    assert (1, True, False) == (
        again.returncode,
        "identity.email-taken" in again.stdout,
        first in again.stdout,
    )


async def test_the_password_is_in_no_log_line(system: System) -> None:
    """The printed password appears neither in the command's logs nor in the system's."""
    email = f"quiet-{new_ulid().lower()}@platform.test"
    ran = await _create(system, email)
    password = _password(ran)

    logs = ran.stderr + system.log_path.read_text(encoding="utf-8", errors="replace")

    assert password not in logs

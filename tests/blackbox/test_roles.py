"""Process roles: `ossature serve gateway` beside a running system serves the same data."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.blackbox._api import System, Tenant, call, eventually, log_in, new_ulid, run_cli
from tests.blackbox._up import environment, free_port, stop_up, wait_ready


@pytest.fixture
def second_gateway(system: System) -> Iterator[str]:
    """`ossature serve gateway` on its own port, on the running system's engines."""
    port, log_path = free_port(), system.var_dir / "gateway-2.log"
    command = [sys.executable, "-m", "ossature", "serve", "gateway", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=environment(system.var_dir),
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, base_url, log_path)
        yield base_url
    finally:
        code = stop_up(process)
    assert 0 == code, log_path.read_text()[-1500:]


async def test_a_second_gateway_process_serves_the_same_system(
    system: System, second_gateway: str, http: httpx.AsyncClient, acme: Tenant
) -> None:
    """A project created through a second gateway shows in the first one's list-projects."""
    async with httpx.AsyncClient(base_url=second_gateway, timeout=30) as other:
        token = await log_in(other, "editor@acme.test", system.password)
        made = await call(
            other,
            "commands/create-project",
            {"folderId": acme.folders["France"], "name": "Through the second gateway"},
            token,
            {"Idempotency-Key": new_ulid()},
        )
    assert 200 == made.status_code, made.text
    project_id = made.json()["projectId"]

    listed = await eventually(
        lambda: call(http, "queries/list-projects", {}, token),
        lambda answer: project_id in {p["projectId"] for p in answer.json()["projects"]},
    )

    assert project_id in {p["projectId"] for p in listed.json()["projects"]}


def test_an_unknown_role_is_refused(system: System) -> None:
    """`ossature serve` names the roles it knows when given another, and starts nothing."""
    refused = run_cli(system, "serve", "janitor")
    assert 0 != refused.returncode
    assert "gateway" in refused.stdout + refused.stderr

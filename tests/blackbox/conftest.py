"""The system under test, started once per session as `python -m ossature up`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.blackbox._api import System, Tenant, TokenFor, call, claims_of, eventually, log_in
from tests.external.environment import external_environment

# pragma: allowlist nextline secret: the test system's throwaway demo password
PASSWORD = "black-box-demo-password"
SEEDED_PROJECTS = {"Paris office move", "Website relaunch", "Customer portal", "Q3 hiring plan"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(var_dir: Path, given_engines: bool = True) -> dict[str, str]:
    """The system's environment: the external engines the suite is given, if any (unless not
    `given_engines`: a system that kills its own engines), else engines of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSATURE_")}
    return {
        **env,
        **(external_environment() if given_engines else {}),
        "OSSATURE_VAR_DIR": str(var_dir),
        "OSSATURE_DEMO_PASSWORD": PASSWORD,
        "OSSATURE_LOG_LEVEL": "info",
        "OSSATURE_LOG_FORMAT": "json",
    }


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"ossature up exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"ossature up was not ready within 60 s:\n{log_path.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail("ossature up did not stop within 30 s of SIGTERM")


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A running Ossature on a free port, stopped by SIGTERM at the end; it must exit with 0."""
    var_dir = tmp_path_factory.mktemp("ossature")
    port, log_path = _free_port(), var_dir / "server.log"
    command = [sys.executable, "-m", "ossature", "up", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=_environment(var_dir)
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base_url, log_path)
        yield System(base_url, PASSWORD, var_dir, log_path)
    finally:
        code = _stop(process)
    assert 0 == code, log_path.read_text()[-1500:]


@pytest.fixture(scope="session")
async def http(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """A client without keep-alive: a connection the server drops cannot fail the next test."""
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30, limits=limits) as client:
        yield client


@pytest.fixture(scope="session")
def token_for(system: System, http: httpx.AsyncClient) -> TokenFor:
    """`await token_for("editor@acme")`: a token for that demo account, one log-in per session."""
    tokens: dict[str, str] = {}

    async def token(who: str) -> str:
        if who not in tokens:
            tokens[who] = await log_in(http, f"{who}.test", system.password)
        return tokens[who]

    return token


async def _tenant(http: httpx.AsyncClient, slug: str, token: str) -> Tenant:
    folders = (await call(http, "queries/list-folders", {}, token)).json()["folders"]
    listed = await eventually(
        lambda: call(http, "queries/list-projects", {}, token),
        lambda answer: SEEDED_PROJECTS <= {p["name"] for p in answer.json()["projects"]},
    )
    projects = {p["name"]: p["projectId"] for p in listed.json()["projects"]}
    folder_ids = {f["name"]: f["folderId"] for f in folders}
    return Tenant(slug, claims_of(token)["tid"], folder_ids, projects)


@pytest.fixture(scope="session")
async def acme(http: httpx.AsyncClient, token_for: TokenFor) -> Tenant:
    return await _tenant(http, "acme", await token_for("admin@acme"))


@pytest.fixture(scope="session")
async def globex(http: httpx.AsyncClient, token_for: TokenFor) -> Tenant:
    return await _tenant(http, "globex", await token_for("admin@globex"))

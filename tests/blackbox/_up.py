"""Starting and stopping `python -m ossature up` in a subprocess, as the black-box tests do."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.blackbox._api import System
from tests.external.environment import external_environment

__all__ = [
    "PASSWORD",
    "environment",
    "free_port",
    "owner_database_url",
    "running",
    "start_up",
    "stop_up",
    "wait_ready",
]

# pragma: allowlist nextline secret: the test system's throwaway demo password
PASSWORD = "black-box-demo-password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(var_dir: Path, external: bool = True) -> dict[str, str]:
    """The system's environment: the external engines the suite is given (unless not
    `external`), else its own embedded ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSATURE_")}
    return {
        **env,
        **(external_environment() if external else {}),
        "OSSATURE_VAR_DIR": str(var_dir),
        "OSSATURE_DEMO_PASSWORD": PASSWORD,
        "OSSATURE_LOG_LEVEL": "info",
        "OSSATURE_LOG_FORMAT": "json",
        "OSSATURE_LOG_COPY": os.environ.get("OSSATURE_LOG_COPY", ""),  # tests/conftest.py's
        # A log-in lock of 2 s, so that a test sees one release; the tests, behind the
        # loopback "proxy", name the client they stand for in X-Forwarded-For.
        "OSSATURE_LOGIN_LOCK_SECONDS": "2",
        "OSSATURE_TRUSTED_PROXIES": "127.0.0.1/32, ::1/128",
        # Hosts <slug>.ossature.localhost are tenants' entry points (a Host header says it).
        "OSSATURE_ROOT_DOMAIN": "ossature.localhost",
    }


def start_up(
    var_dir: Path, port: int, log_path: Path, external: bool = True
) -> subprocess.Popen[bytes]:
    """`ossature up --port PORT` on `var_dir`, its output in `log_path`; not waited for.
    Not `external`: on embedded engines whatever the suite's engines are."""
    command = [sys.executable, "-m", "ossature", "up", "--port", str(port)]
    env = environment(var_dir, external)
    with log_path.open("ab") as log:
        # Our own interpreter and module, as an argument list: no shell.
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)


def owner_database_url(var_dir: Path) -> str:
    """The application's database on the var dir's embedded cluster, as its owner."""
    cluster = json.loads((var_dir / "engines.json").read_text())["database_url"]
    return urlunsplit(urlsplit(cluster)._replace(path="/ossature"))


def wait_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
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


def stop_up(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail("ossature up did not stop within 30 s of SIGTERM")


@contextmanager
def running(var_dir: Path) -> Iterator[System]:
    """`ossature up` on a free port and `var_dir`, ready; stopped by SIGTERM afterwards,
    when it must exit with 0."""
    port, log_path = free_port(), var_dir / "server.log"
    process = start_up(var_dir, port, log_path)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, base_url, log_path)
        yield System(base_url, PASSWORD, var_dir, log_path)
    finally:
        code = stop_up(process)
    assert 0 == code, log_path.read_text()[-1500:]

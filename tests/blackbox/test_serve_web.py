"""`ossature serve web --gateway URL`: the web app alone, a client of a gateway over HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.blackbox._api import System
from tests.blackbox._up import environment, free_port, stop_up

PAGE = {"Accept": "text/html"}


@pytest.fixture
def web(system: System, tmp_path: Path) -> Iterator[str]:
    """The web app alone on a port of its own, calling the running system's gateway."""
    port, log_path = free_port(), tmp_path / "web.log"
    command = [sys.executable, "-m", "ossature", "serve", "web", "--port", str(port)]
    env = {**environment(tmp_path, external=False), "OSSATURE_GATEWAY_URL": system.base_url}
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        try:
            if httpx.get(f"{url}/sign-in", headers=PAGE, timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    try:
        yield url
    finally:
        assert 0 == stop_up(process), log_path.read_text()[-1500:]


def test_the_web_app_alone_signs_in_through_the_gateway_and_shows_a_page(
    web: str, system: System
) -> None:
    with httpx.Client(base_url=web, headers=PAGE, timeout=30) as browser:
        form = browser.get("/sign-in")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None
        fields = {"tenant": "acme", "email": "admin@acme.test", "password": system.password}
        answer = browser.post("/sign-in", data={"csrf": csrf.group(1), **fields})
        assert 303 == answer.status_code and "ossature_session" in browser.cookies
        tree = browser.get("/folders")
        assert 200 == tree.status_code and ">France<" in tree.text


def test_the_web_app_alone_refuses_to_start_without_a_gateway(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "ossature", "serve", "web", "--port", str(free_port())]
    env = environment(tmp_path, external=False)
    ran = subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)
    assert 1 == ran.returncode
    assert "gateway" in ran.stderr.decode()

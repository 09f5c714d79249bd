"""`ossature up` supervises its engines: a SIGKILLed PostgreSQL or nats-server comes back by
itself, readiness with it, and the read model catches up; a SIGKILLed `up` takes its engines.

These tests kill engines, so they run on an `up` of their own, not the session's, on embedded
engines whatever engines the suite is given.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import psutil
import pytest

from tests.blackbox._api import bearer, new_ulid
from tests.blackbox._up import PASSWORD, environment, free_port, start_up, stop_up, wait_ready

DEADLINE = 60.0  # seconds: generous; what it took is recorded, not asserted
T = TypeVar("T")


@dataclass(frozen=True)
class Up:
    process: subprocess.Popen[bytes]
    base_url: str
    var_dir: Path
    log_path: Path

    def pids(self) -> dict[str, int]:
        found = json.loads((self.var_dir / "engines.json").read_text())
        return {"postgres": found["postgres_pid"], "nats": found["nats_pid"]}


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    """An `up` of this module's own; at the end, stopped by SIGTERM with 0 and no traceback."""
    var_dir = tmp_path_factory.mktemp("recovery")
    port, log_path = free_port(), var_dir / "server.log"
    process = start_up(var_dir, port, log_path, external=False)
    running = Up(process, f"http://127.0.0.1:{port}", var_dir, log_path)
    try:
        wait_ready(process, running.base_url, log_path)
        yield running
    finally:
        code = stop_up(process)
    text_lines = [line for line in log_path.read_text().splitlines() if not line.startswith("{")]
    assert (0, []) == (code, [line for line in text_lines if "Traceback" in line])


def _health(base_url: str, which: str) -> int:
    try:
        return httpx.get(f"{base_url}/health/{which}", timeout=2).status_code
    except httpx.TransportError:
        return 0


def _until(accept: Callable[[T], bool], probe: Callable[[], T]) -> float:
    """Seconds until `accept(probe())`, polling; fails past DEADLINE."""
    began = time.monotonic()
    while not accept(probe()):
        if time.monotonic() - began > DEADLINE:
            pytest.fail(f"not within {DEADLINE} s")
        time.sleep(0.02)
    return time.monotonic() - began


def _create_and_list(base_url: str, name: str) -> set[str]:
    """Create a project named `name` as acme's admin; the names list-projects answers then."""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        login = {"tenant": "acme", "email": "admin@acme.test", "password": PASSWORD}
        token = http.post("/commands/log-in", json=login).json()["accessToken"]
        folders = http.post("/queries/list-folders", json={}, headers=bearer(token)).json()
        folder = next(f["folderId"] for f in folders["folders"] if f["name"] == "France")
        headers = {**bearer(token), "Idempotency-Key": new_ulid()}
        created = http.post(
            "/commands/create-project", json={"folderId": folder, "name": name}, headers=headers
        )
        assert 200 == created.status_code, created.text

        def names() -> set[str]:
            listed = http.post("/queries/list-projects", json={}, headers=bearer(token)).json()
            return {p["name"] for p in listed["projects"]}

        _until(lambda found: name in found, names)
        return names()


@pytest.mark.parametrize("engine", ["postgres", "nats"])
def test_a_killed_engine_is_restarted_and_the_system_is_ready_again(
    up: Up, engine: str, record_property: pytest.RecordProperty
) -> None:
    """SIGKILL of an engine: readiness says 503 while it is away (liveness stays 200), then
    200 again with no operator action; a command after that reaches the read model."""
    # given
    killed, began = up.pids()[engine], time.monotonic()
    # when
    os.kill(killed, signal.SIGKILL)
    seen: list[tuple[int, int]] = []

    def probe() -> tuple[int, int]:
        seen.append((_health(up.base_url, "ready"), _health(up.base_url, "live")))
        return seen[-1]

    _until(lambda answer: answer[0] == 503, probe)
    _until(lambda answer: answer[0] == 200, probe)
    seconds = time.monotonic() - began
    # then
    record_property(f"{engine}_seconds_to_ready", round(seconds, 2))
    print(f"{engine}: ready again {seconds:.2f} s after its SIGKILL")
    assert killed != up.pids()[engine]
    assert {200} == {live for _, live in seen}
    assert {503, 200} >= {ready for ready, _ in seen}
    assert f"after {engine}" in _create_and_list(up.base_url, f"after {engine}")


def test_a_killed_up_takes_its_engines_with_it_and_starts_again(
    tmp_path: Path,
) -> None:
    """SIGKILL of `up`: its PostgreSQL and nats-server exit too; the next `up` on the same var
    directory copes with what was left and serves."""
    # given
    port, log_path = free_port(), tmp_path / "server.log"
    first = start_up(tmp_path, port, log_path, external=False)
    wait_ready(first, f"http://127.0.0.1:{port}", log_path)
    found = json.loads((tmp_path / "engines.json").read_text())
    engines = [psutil.Process(found["postgres_pid"]), psutil.Process(found["nats_pid"])]
    # when
    first.kill()
    first.wait()
    _until(lambda alive: not alive, lambda: [e for e in engines if _alive(e)])
    second = start_up(tmp_path, port, log_path, external=False)
    # then
    try:
        wait_ready(second, f"http://127.0.0.1:{port}", log_path)
    finally:
        assert 0 == stop_up(second)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_second_up_on_the_same_var_directory_is_refused_in_one_line(up: Up) -> None:
    """The var directory is the running `up`'s: the second says so, with the holder's pid."""
    # when
    command = [sys.executable, "-m", "ossature", "up", "--port", str(free_port())]
    env = environment(up.var_dir, external=False)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    # then
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert (1, 1) == (done.returncode, len(said)), said
    assert f"in use by another process (pid {up.process.pid})" in said[0]

"""Ossature's roles as OS processes (`ossature serve ROLE`) on engines this process runs:
one PostgreSQL and a three-node NATS cluster, under a var directory they all share."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ossature.engines import running_engines
from tests.chaos._system import PASSWORD, _free_port

__all__ = ["ROLES", "ROLE_ENVIRONMENT", "Served", "environment", "nats_pids"]

# The processes started, by role: how many of each, and what each role's processes are
# started with besides the shared var dir. A role added here is killed by the test too.
ROLES: tuple[tuple[str, int], ...] = (
    ("gateway", 2),
    ("worker", 2),
    ("commands", 2),
    ("scheduler", 1),
)
# The gateways send the projects module's commands over NATS to the commands processes.
ROLE_ENVIRONMENT: dict[str, dict[str, str]] = {"gateway": {"OSSATURE_REMOTE_MODULES": "projects"}}


def environment(var_dir: Path) -> dict[str, str]:
    """What every process of the system is started with: the shared var dir, nothing else
    of ours (the engines are found through it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSSATURE_")}
    env |= {"OSSATURE_VAR_DIR": str(var_dir), "OSSATURE_DEMO_PASSWORD": PASSWORD}
    env["OSSATURE_LOG_LEVEL"] = "warning"  # seven processes on two cores: no line per command
    env["OSSATURE_LOG_COPY"] = os.environ.get("OSSATURE_LOG_COPY", "")  # tests/conftest.py's
    return env


@dataclass
class Served:
    """`ossature serve ROLE` (a gateway on a port of its own), started again the same way."""

    var_dir: Path
    role: str
    number: int
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        return f"{self.role}-{self.number}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.var_dir / f"{self.name}.log"

    def start(self) -> None:
        """Start the process; a gateway's readiness is awaited by the caller."""
        command = [sys.executable, "-m", "ossature", "serve", self.role]
        if self.role == "gateway":
            command += ["--port", str(self.port)]
        env = environment(self.var_dir) | ROLE_ENVIRONMENT.get(self.role, {})
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)

    def ready(self) -> bool:
        """A gateway: /health/ready answers 200; another role: its process runs."""
        assert self.process is not None
        if self.role != "gateway":
            return self.process.poll() is None
        try:
            return httpx.get(f"{self.base_url}/health/ready", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def wait_ready(self, deadline: float = 90.0) -> float:
        """Seconds until ready; fails past a generous deadline, or if the process exits."""
        started = time.monotonic()
        while not self.ready():
            assert self.process is not None and self.process.poll() is None, self.log()
            assert time.monotonic() - started < deadline, f"not ready in {deadline} s\n{self.log()}"
            time.sleep(0.05)
        return time.monotonic() - started

    def kill_and_start_again(self) -> None:
        """SIGKILL, then start again, as an operator's supervisor would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.start()

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL past a minute)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")[-3000:]


def nats_pids(var_dir: Path) -> tuple[int, ...]:
    """The NATS nodes' pids, as the engines' owner publishes them (a restart changes one)."""
    found = running_engines(var_dir)
    assert found is not None, "no engines run on this var dir"
    return tuple(found.nats_pids)

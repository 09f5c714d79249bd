"""An `ossature up` in a subprocess, and the pids of the engines it runs, to kill them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ossature.engines import running_engines
from ossature.engines.embedded import EngineEndpoints

__all__ = ["Up"]

# pragma: allowlist nextline secret: the chaos system's throwaway demo password
PASSWORD = "chaos-demo-password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Up:
    """`ossature up` on a var dir of its own; started again on the same dir and port."""

    var_dir: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start `up` (keeping the var dir's data); the caller waits for readiness."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("OSSATURE_")}
        env |= {"OSSATURE_VAR_DIR": str(self.var_dir), "OSSATURE_DEMO_PASSWORD": PASSWORD}
        env["OSSATURE_LOG_COPY"] = os.environ.get("OSSATURE_LOG_COPY", "")  # tests/conftest.py's
        command = [sys.executable, "-m", "ossature", "up", "--port", str(self.port)]
        with (self.var_dir / "server.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)

    def ready(self) -> bool:
        """True when /health/ready answers 200."""
        try:
            return httpx.get(f"{self.base_url}/health/ready", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def wait_ready(self, deadline: float = 90.0) -> float:
        """Seconds until ready; fails past a generous deadline, or if `up` exits."""
        started = time.monotonic()
        while not self.ready():
            assert self.process is not None and self.process.poll() is None, self.log()
            assert time.monotonic() - started < deadline, f"not ready in {deadline} s\n{self.log()}"
            time.sleep(0.1)
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL `up` itself."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> int:
        """SIGTERM and wait; the exit code."""
        if self.process is None or self.process.poll() is not None:
            return 0 if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def postgres_pid(self) -> int:
        """The postmaster's pid, as `up` writes it in the var dir (a restart changes it)."""
        return self._engines().postgres_pid

    def nats_pid(self) -> int:
        """The nats-server's pid, likewise."""
        return self._engines().nats_pid

    def _engines(self) -> EngineEndpoints:
        found = running_engines(self.var_dir)
        assert found is not None, "no engines run on this var dir"
        return found

    def log(self) -> str:
        return (self.var_dir / "server.log").read_text(errors="replace")[-3000:]

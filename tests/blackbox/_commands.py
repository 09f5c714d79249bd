"""`ossature serve ...` processes beside a running `up`: a gateway routing modules' commands
over NATS, and `commands` processes answering them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.blackbox._api import System
from tests.blackbox._up import environment, free_port, stop_up, wait_ready

__all__ = ["CommandsProcess", "commands_process", "routing_gateway"]


@dataclass
class CommandsProcess:
    """A running `ossature serve commands`: its process and its log."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def lines(self) -> list[dict[str, Any]]:
        """Its JSON log lines (the console's lines left out)."""
        text = self.log_path.read_text(errors="replace")
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def invocations(self, name: str) -> list[dict[str, Any]]:
        """The invocation lines of command `name` it logged."""
        return [
            line
            for line in self.lines()
            if line.get("event") == "invocation" and line.get("name") == name
        ]

    def wait_serving(self) -> None:
        """Until it says it subscribed; fails if it exits first or past a generous deadline."""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"serve commands exited:\n{self.log_path.read_text()[-3000:]}")
            if any(line.get("event") == "commands.serving" for line in self.lines()):
                return
            time.sleep(0.2)
        pytest.fail(f"serve commands did not subscribe in 90 s:\n{self.log_path.read_text()}")


def _serve(system: System, log_path: Path, args: list[str], env: dict[str, str]) -> Any:
    command = [sys.executable, "-m", "ossature", "serve", *args]
    with log_path.open("ab") as log:
        # Our own interpreter and module, as an argument list: no shell.
        return subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**environment(system.var_dir), **env},
        )


@contextmanager
def commands_process(system: System, name: str) -> Iterator[CommandsProcess]:
    """`ossature serve commands --module projects` on the running system's engines, serving;
    stopped by SIGTERM afterwards, when it must exit with 0."""
    log_path = system.var_dir / f"{name}.log"
    log_path.unlink(missing_ok=True)
    process = _serve(system, log_path, ["commands", "--module", "projects"], {})
    started = CommandsProcess(process, log_path)
    try:
        started.wait_serving()
        yield started
    finally:
        code = stop_up(process)
    assert 0 == code, log_path.read_text()[-1500:]


@contextmanager
def routing_gateway(system: System, deadline: float) -> Iterator[str]:
    """`ossature serve gateway` sending the projects module's commands over NATS, answering
    504 past `deadline` seconds; its base URL."""
    port, log_path = free_port(), system.var_dir / "routing-gateway.log"
    env = {
        "OSSATURE_REMOTE_MODULES": "projects",
        "OSSATURE_COMMAND_DEADLINE_SECONDS": str(deadline),
    }
    process = _serve(system, log_path, ["gateway", "--port", str(port)], env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, base_url, log_path)
        yield base_url
    finally:
        code = stop_up(process)
    assert 0 == code, log_path.read_text()[-1500:]

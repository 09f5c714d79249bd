"""The bench's side of the baseline: its table, and its server processes, started and stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import asyncpg
import httpx

from ossature.tools.bench._baseline_app import CREATE_TABLE, TABLE

__all__ = ["BaselineError", "BaselineServer", "baseline_server", "ensure_table"]

_READY_WITHIN = 30.0


class BaselineError(RuntimeError):
    """The baseline server could not be prepared or started."""


@dataclass(frozen=True)
class BaselineServer:
    """A running baseline server: `pid` is uvicorn's (its workers are its children)."""

    host: str
    port: int
    pid: int


async def ensure_table(owner_url: str, grantee: str | None) -> None:
    """Create the baseline's table if missing, insertable by `grantee` when one is named."""
    conn = await asyncpg.connect(owner_url)
    try:
        await conn.execute(CREATE_TABLE)
        if grantee:
            await conn.execute(f"grant select, insert on {TABLE} to {grantee}")
    finally:
        await conn.close()


@contextlib.contextmanager
def baseline_server(
    database_url: str, processes: int, host: str = "127.0.0.1"
) -> Iterator[BaselineServer]:
    """The baseline server with `processes` workers on a free port for the time of the block,
    stopped by SIGTERM after."""
    port = _free_port(host)
    command = [sys.executable, "-m", "ossature.tools.bench._baseline_app", "--host", host]
    command += ["--workers", str(processes)]
    env = {**os.environ, "OSSATURE_BENCH_DATABASE_URL": database_url}
    with tempfile.TemporaryFile() as log:
        # This Python running our own module, as an argument list: no shell.
        process = subprocess.Popen(  # noqa: S603
            [*command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_ready(process, f"http://{host}:{port}/health/live", log)
            yield BaselineServer(host, port, process.pid)
        finally:
            _stop(process)


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + _READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BaselineError(
                f"the baseline server exited with {process.returncode}: {_tail(log)}"
            )
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise BaselineError(f"the baseline server was not ready within {_READY_WITHIN:.0f} s")


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-800:]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

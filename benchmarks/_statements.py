"""What the statement benchmarks share: the running `up`'s database, one connection per way,
and each way's client and backend CPU per call.

Not a benchmark itself: `commit_statements.py`, `list_statements.py` and `audit_batches.py`
import it (run them from the project's root, as their docstrings say).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from ossature.kernel._sql import init_connection
from ossature.runtime.migrate import database_url_for

Call = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class Session:
    """An open session of the running system, and the URLs to reach its database."""

    owner_url: str
    app_url: str
    tenant_id: str
    account_id: str
    session_id: str


async def open_session(var_dir: Path) -> Session:
    """An open session found in the database of the `up` running on `var_dir`."""
    owner_url = json.loads((var_dir / "engines.json").read_text())["database_url"]
    owner_url = owner_url.replace("/postgres?", "/ossature?")
    owner = await asyncpg.connect(owner_url)
    found = await owner.fetchrow(
        "select tenant_id, account_id, session_id from sessions"
        " where ended_at is null and expires_at > now() limit 1"
    )
    await owner.close()
    if found is None:
        raise SystemExit("no open session: log in once first (`ossature demo` does)")
    password = (var_dir / "secrets" / "app-db-password").read_text().strip()
    app_url = database_url_for(owner_url, "ossature_app", password)
    return Session(owner_url, app_url, *found)


async def connect(url: str, settings: dict[str, str]) -> Any:
    """A connection with the application's JSON codecs."""
    conn = await asyncpg.connect(url, server_settings=settings or None)
    await init_connection(conn)
    return conn


async def measure(call: Call, conn: Any, count: int) -> tuple[float, float]:
    """µs of client and of backend CPU per call, after a tenth as many calls to warm up."""
    backend = await conn.fetchval("select pg_backend_pid()")
    for _ in range(count // 10):
        await call()
    client, server = time.process_time(), _cpu_of(backend)
    for _ in range(count):
        await call()
    return (
        1e6 * (time.process_time() - client) / count,
        1e6 * (_cpu_of(backend) - server) / count,
    )


async def compare(ways: dict[str, tuple[Call, Any]], count: int, rounds: int, unit: str) -> None:
    """Measure each way `rounds` times, interleaved, and print the medians against the first."""
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
    for _ in range(rounds):
        for name, (call, conn) in ways.items():
            figures[name].append(await measure(call, conn, count))
    first = next(iter(ways))
    base_client, base_backend = _medians(figures[first])
    print(f"{count} {unit}s a way, {rounds} rounds interleaved; medians, µs per {unit}")
    for name, measured in figures.items():
        client, backend = _medians(measured)
        print(
            f"{name:30s} client {client:6.0f}  backend {backend:6.0f}"
            f"  ({client / base_client:.2f} and {backend / base_backend:.2f} of the first's)"
        )


def arguments(doc: str, count: int) -> argparse.ArgumentParser:
    """The options every statement benchmark takes: how many calls a way, how many rounds."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--count", type=int, default=count)
    parser.add_argument("--rounds", type=int, default=3)
    return parser


def var_dir() -> Path:
    """The running `up`'s var directory: OSSATURE_VAR_DIR, else `var`."""
    return Path(os.environ.get("OSSATURE_VAR_DIR", "var"))


def _cpu_of(pid: int) -> float:
    """User and system CPU seconds of a process on this machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _medians(measured: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        statistics.median(m[0] for m in measured),
        statistics.median(m[1] for m in measured),
    )

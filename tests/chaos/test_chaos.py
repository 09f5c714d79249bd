"""Chaos: under a load of creates, SIGKILL the app, PostgreSQL and nats-server in turn.

After each kill the system comes back by itself (the app is started again by the test, as
an operator's supervisor would), the unanswered commands are retried with their keys, and
every acknowledged command is then exactly once in the store, the read model, JetStream
and the audit log. The table of what was measured is printed.

Run alone: `.venv/bin/python -m pytest tests/chaos -s`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from tests.chaos._ledger import Counts, count
from tests.chaos._load import Load
from tests.chaos._system import PASSWORD, Up

FAULTS = ("postgresql", "nats-server", "app")


@pytest.fixture
def up(tmp_path: Path) -> Iterator[Up]:
    """A system of its own, stopped at the end."""
    system = Up(tmp_path / "var")
    system.var_dir.mkdir()
    system.start()
    system.wait_ready()
    try:
        yield system
    finally:
        system.stop()


async def _editor(base_url: str) -> tuple[str, str, str]:
    """The editor's token, tenant id and France folder id."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        login = {"tenant": "acme", "email": "editor@acme.test", "password": PASSWORD}
        token = (await http.post("/commands/log-in", json=login)).json()["accessToken"]
        auth = {"Authorization": f"Bearer {token}"}
        folders = (await http.post("/queries/list-folders", json={}, headers=auth)).json()
    france = next(f for f in folders["folders"] if f["name"] == "France")
    tenant_id = jwt.decode(token, options={"verify_signature": False})["tid"]
    return token, str(tenant_id), str(france["folderId"])


def _kill(up: Up, fault: str) -> Callable[[], None]:
    """What killing `fault` means: SIGKILL of its process (and, for the app, a restart)."""
    if fault == "postgresql":
        return lambda: os.kill(up.postgres_pid(), signal.SIGKILL)
    if fault == "nats-server":
        return lambda: os.kill(up.nats_pid(), signal.SIGKILL)

    def kill_and_start_again() -> None:
        up.kill()
        up.start()

    return kill_and_start_again


async def _phase(up: Up, fault: str, token: str, folder_id: str) -> tuple[Load, float, int]:
    """Load, kill mid-load, wait for readiness, stop, retry the unanswered."""
    load = Load(up.base_url, token, folder_id, fault)
    sending = asyncio.create_task(load.run())
    await load.warmed.wait()
    killed = time.monotonic()
    await asyncio.to_thread(_kill(up, fault))
    await asyncio.sleep(0.5)  # let the fault be seen before asking for readiness
    await asyncio.to_thread(up.wait_ready)
    ready = time.monotonic() - killed
    await asyncio.sleep(1)
    load.stopping.set()
    await sending
    unanswered = len(load.sent) - len(load.acknowledged)
    await load.retry_unanswered()
    return load, ready, unanswered


def _row(fault: str, load: Load, counts: Counts, ready: float, unanswered: int) -> list[object]:
    keys = [s.key for s in load.sent]
    places = (counts.store, counts.read_model, counts.jetstream, counts.audit)
    lost = sum(1 for k in keys for place in places if place[k] == 0)
    doubled = sum(1 for k in keys for place in places if place[k] > 1)
    found = [sum(1 for k in keys if place[k] == 1) for place in places]
    return [fault, len(keys), unanswered, *found, lost, doubled, round(ready, 1)]


async def test_every_acknowledged_command_is_once_everywhere_after_each_kill(
    up: Up, capsys: pytest.CaptureFixture[str]
) -> None:
    """No acknowledged command lost or doubled, in any place, after any of the three kills."""
    token, tenant_id, folder_id = await _editor(up.base_url)
    rows = []
    for fault in FAULTS:
        load, ready, unanswered = await _phase(up, fault, token, folder_id)
        counts = await count(up.var_dir, tenant_id, load.sent)
        rows.append(_row(fault, load, counts, ready, unanswered))
    header = ["fault", "sent", "unanswered", "store", "read model", "JetStream", "audit"]
    header += ["lost", "doubled", "s to ready"]
    with capsys.disabled():
        print("\n" + " | ".join(header))
        for row in rows:
            print(" | ".join(str(cell) for cell in row))
    assert [[r[0], r[7], r[8]] for r in rows] == [[f, 0, 0] for f in FAULTS]

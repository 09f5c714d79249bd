"""SIGKILL of `ossature up`, or of its PostgreSQL, under a load of commands and queries:
every invocation that was answered has its audit entry once the system is up again, and
every command that was answered 200 has exactly one entry that ran it (decision 33)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.blackbox._api import bearer, log_in, new_ulid
from tests.blackbox._up import PASSWORD, environment, free_port, owner_database_url, wait_ready

CLIENTS = 8
ANSWERS_BEFORE_THE_KILL = 300
ANSWERS_AFTER_RECOVERY = 50  # a supervised engine comes back: the load ends after these


@dataclass
class Up:
    """One `ossature up` of this test's own, on its own var dir and port."""

    var_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log_path = self.var_dir / "server.log"
        command = [sys.executable, "-m", "ossature", "up", "--port", str(self.port)]
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Embedded engines always: the test kills its own PostgreSQL.
                env=environment(self.var_dir, external=False),
            )
        wait_ready(self.process, self.url, log_path)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def database_url(self) -> str:
        """The application's database on the embedded cluster, as its owner."""
        return owner_database_url(self.var_dir)

    def postgres_pid(self) -> int:
        return int((self.var_dir / "postgres" / "postmaster.pid").read_text().split()[0])


@dataclass
class Answered:
    """The invocations answered (any status), by id: their kind and status."""

    by_id: dict[str, tuple[str, int]] = field(default_factory=dict)
    enough: asyncio.Event = field(default_factory=asyncio.Event)
    recovered: asyncio.Event = field(default_factory=asyncio.Event)  # 200s again after a kill
    after_kill: int | None = None  # answers 200 since the kill

    def note(self, response: httpx.Response, kind: str) -> None:
        self.by_id[response.headers["x-invocation-id"]] = (kind, response.status_code)
        if len(self.by_id) >= ANSWERS_BEFORE_THE_KILL:
            self.enough.set()
        if self.after_kill is not None and response.status_code == 200:
            self.after_kill += 1
            if self.after_kill >= ANSWERS_AFTER_RECOVERY:
                self.recovered.set()


@pytest.fixture
def up(tmp_path: Path) -> Iterator[Up]:
    system = Up(tmp_path)
    system.start()
    try:
        yield system
    finally:
        system.stop()


async def test_sigkill_of_up_loses_no_answered_invocations_entry(up: Up) -> None:
    """Killed mid-load with no warning: the entries of what was answered are all there."""
    answered = await _load_until(up, up.kill)

    up.start()
    found = await _entries(up, answered)

    _assert_all_kept(answered, found)


async def test_sigkill_of_postgresql_loses_no_answered_invocations_entry(up: Up) -> None:
    """PostgreSQL killed mid-load: what was answered before, or after, has its entry."""
    answered = await _load_until(up, lambda: os.kill(up.postgres_pid(), signal.SIGKILL))

    up.kill()  # whatever it does about its lost database, start afresh on the same var dir
    up.start()
    found = await _entries(up, answered)

    _assert_all_kept(answered, found)


async def _load_until(up: Up, kill: object) -> Answered:
    """Commands and queries from CLIENTS clients; `kill()` once enough were answered, then
    the clients run on until every one has failed to get an answer, or until the system,
    its engine restarted by `up`'s supervisor, has answered again for a while."""
    answered = Answered()
    limits = httpx.Limits(max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=up.url, timeout=5, limits=limits) as http:
        token = await log_in(http, "admin@acme.test", PASSWORD)
        folders = (await http.post("/queries/list-folders", json={}, headers=bearer(token))).json()
        folder = folders["folders"][0]["folderId"]
        clients = [
            asyncio.ensure_future(_client(http, token, folder, answered)) for _ in range(CLIENTS)
        ]
        await asyncio.wait_for(answered.enough.wait(), timeout=120)
        assert callable(kill)
        kill()
        answered.after_kill = 0
        ended = asyncio.ensure_future(asyncio.gather(*clients))
        recovered = asyncio.ensure_future(answered.recovered.wait())
        await asyncio.wait([ended, recovered], timeout=120, return_when=asyncio.FIRST_COMPLETED)
        settled = ended.done() or recovered.done()
        for task in [*clients, recovered]:
            task.cancel()
        await asyncio.gather(ended, recovered, return_exceptions=True)
        assert settled, "the clients neither ended nor were answered again within 120 s"
    return answered


async def _client(http: httpx.AsyncClient, token: str, folder: str, answered: Answered) -> None:
    """Create a project, list projects, again and again, until the server stops answering."""
    create = {"folderId": folder, "name": ""}
    try:
        while True:
            key = new_ulid()
            headers = {**bearer(token), "Idempotency-Key": key}
            made = await http.post(
                "/commands/create-project", json={**create, "name": key}, headers=headers
            )
            answered.note(made, "command")
            listed = await http.post("/queries/list-projects", json={}, headers=bearer(token))
            answered.note(listed, "query")
    except httpx.TransportError:
        return


async def _entries(up: Up, answered: Answered) -> dict[str, list[tuple[str, int, str | None]]]:
    """The audit entries of the answered invocations, by invocation id (every tenant's)."""
    conn = await asyncpg.connect(up.database_url())
    try:
        rows = await conn.fetch(
            "select invocation_id, kind, status, repeat_of from audit_entries"
            " where invocation_id = any($1::text[])",
            list(answered.by_id),
        )
    finally:
        await conn.close()
    found: dict[str, list[tuple[str, int, str | None]]] = {}
    for row in rows:
        found.setdefault(row["invocation_id"], []).append(
            (row["kind"], row["status"], row["repeat_of"])
        )
    return found


def _assert_all_kept(
    answered: Answered, found: dict[str, list[tuple[str, int, str | None]]]
) -> None:
    missing = sorted(set(answered.by_id) - set(found))
    ran_twice = sorted(
        invocation
        for invocation, (kind, status) in answered.by_id.items()
        if kind == "command" and status == 200 and len(found.get(invocation, [])) != 1
    )
    assert len(answered.by_id) >= ANSWERS_BEFORE_THE_KILL
    assert ([], []) == (missing, ran_twice)

"""A stop that a command in flight cannot hold: SIGTERM while a create-project waits in
PostgreSQL behind a lock another transaction keeps. `up` waits SHUTDOWN_GRACE seconds for
it, cancels it, answers it a retryable 503 problem, and exits with 0. Whether the held
statement went in as PostgreSQL stopped (its lock's holder ended first) or was rolled back,
a retry with the same key, once `up` runs again, leaves the command applied once."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import asyncpg
import httpx

from ossature.runtime.serving import SHUTDOWN_GRACE
from tests.blackbox._api import bearer, claims_of, log_in, new_ulid, problem_of
from tests.blackbox._up import PASSWORD, free_port, owner_database_url, start_up, wait_ready

# The grace, the pools' wait for a connection still busy (10 s) and the engines' stop.
STOPPED_WITHIN = SHUTDOWN_GRACE + 40

_OPEN_CYCLE_LOCKED = """select cycle_id from billing_cycles
    where tenant_id = $1 and closed_at is null for update"""
_WAITING = """select count(*) from pg_stat_activity
    where wait_event_type = 'Lock' and pid <> pg_backend_pid()"""


async def test_a_stop_cancels_a_command_held_in_postgresql_and_exits_with_0(
    tmp_path: Path,
) -> None:
    # given: a create-project waiting for the tenant's billing cycle, which the test locks
    port, log_path = free_port(), tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    process = start_up(tmp_path, port, log_path, external=False)
    try:
        wait_ready(process, url, log_path)
        db = await asyncpg.connect(owner_database_url(tmp_path))
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            token = await log_in(http, "admin@acme.test", PASSWORD)
            tenant = claims_of(token)["tid"]
            folders = await http.post("/queries/list-folders", json={}, headers=bearer(token))
            folder = folders.json()["folders"][0]["folderId"]
            lock = db.transaction()
            await lock.start()
            assert await db.fetchval(_OPEN_CYCLE_LOCKED, tenant) is not None
            name = new_ulid()
            headers = {**bearer(token), "Idempotency-Key": name}
            body = {"folderId": folder, "name": name}
            held = asyncio.ensure_future(
                http.post("/commands/create-project", json=body, headers=headers)
            )
            await _until_waiting(db, held)

            # when
            began = time.monotonic()
            process.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(process.wait, STOPPED_WITHIN)
            took = time.monotonic() - began

            # then
            assert code == 0, log_path.read_text()[-2000:]
            assert SHUTDOWN_GRACE <= took < STOPPED_WITHIN
            answer = await held
            assert problem_of(answer) == (503, "errors.unavailable")
            assert answer.headers["content-type"] == "application/problem+json"
        db.terminate()  # its server stopped with `up`
        await _assert_applied_once_on_retry(tmp_path, body, name)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def _until_waiting(db: asyncpg.Connection, held: asyncio.Future[httpx.Response]) -> None:
    """Until the command's statement waits for a lock (60 s at most); it must not answer."""
    deadline = time.monotonic() + 60
    while await db.fetchval(_WAITING) == 0:
        assert not held.done(), held.result()
        assert time.monotonic() < deadline, "the command never waited for the lock"
        await asyncio.sleep(0.1)


async def _assert_applied_once_on_retry(var_dir: Path, body: dict[str, str], key: str) -> None:
    """On the same var dir, started again: the command sent again with its key is answered
    200, and its event and its key are each stored once."""
    port, log_path = free_port(), var_dir / "server-again.log"
    url = f"http://127.0.0.1:{port}"
    again = start_up(var_dir, port, log_path, external=False)
    try:
        wait_ready(again, url, log_path)
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            token = await log_in(http, "admin@acme.test", PASSWORD)
            headers = {**bearer(token), "Idempotency-Key": key}
            retried = await http.post("/commands/create-project", json=body, headers=headers)
        assert retried.status_code == 200, retried.text
        db = await asyncpg.connect(owner_database_url(var_dir))
        try:
            events = await db.fetchval(
                "select count(*) from events where payload->>'projectName' = $1", body["name"]
            )
            keys = await db.fetchval("select count(*) from idempotency_records where key = $1", key)
        finally:
            await db.close()
        assert (events, keys) == (1, 1)
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(timeout=STOPPED_WITHIN) == 0

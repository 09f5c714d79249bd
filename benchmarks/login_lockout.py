"""What the log-in lockout saves: the server's CPU per refused (throttled) attempt against
one per wrong password (Argon2), and other users' p95 during an attack of 8 clients.

Against a running `ossature up` started with OSSATURE_TRUSTED_PROXIES=127.0.0.1 (each
attempt then names its own client address in X-Forwarded-For, so that the address limit
does not lock this script out) and OSSATURE_DEMO_PASSWORD set. The CPU is the server
process's (the one listening on the URL's port; PostgreSQL's is not counted), read from
/proc around each phase. Phases, one after the other:

- wrong: attempts with an unknown email each (never locked): Argon2 each;
- throttled: attempts on a locked account: refused before Argon2;
- p95 of a user listing folders back to back, alone (baseline), then while 8 clients
  send throttled attempts, then while 8 clients send wrong passwords that no lock stops
  (a new email and address each: what throttling cannot stop, for comparison).

Prints figures and ratios; asserts nothing.

Run: OSSATURE_DEMO_PASSWORD=... .venv/bin/python benchmarks/login_lockout.py \
    --url http://127.0.0.1:8000 [--attempts 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlparse

import httpx
import psutil

from ossature.kernel.ids import new_id

_addresses = itertools.count(1)


def _address() -> dict[str, str]:
    n = next(_addresses)
    return {"X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"}


def _server(url: str) -> psutil.Process:
    port = urlparse(url).port
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    raise SystemExit(f"no process listens on port {port}")


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


async def _log_in(http: httpx.AsyncClient, email: str, password: str) -> int:
    body = {"tenant": "acme", "email": email, "password": password}
    return (await http.post("/commands/log-in", json=body, headers=_address())).status_code


async def _cpu_per_attempt(
    process: psutil.Process, attempts: int, attempt: Callable[[], Awaitable[int]]
) -> tuple[float, set[int]]:
    before, statuses = _cpu(process), set()
    for _ in range(attempts):
        statuses.add(await attempt())
    return (_cpu(process) - before) / attempts, statuses


async def _p95(
    http: httpx.AsyncClient, token: str, seconds: float, attack: Callable[[], Awaitable[int]] | None
) -> float:
    """The p95 (ms) of list-folders sent back to back for `seconds`, with 8 attackers."""
    stop = time.monotonic() + seconds
    times: list[float] = []

    async def attacker() -> None:
        assert attack is not None
        while time.monotonic() < stop:
            await attack()

    async def user() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        while time.monotonic() < stop:
            started = time.perf_counter()
            await http.post("/queries/list-folders", json={}, headers=headers)
            times.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(user(), *([attacker() for _ in range(8)] if attack else []))
    return statistics.quantiles(times, n=20)[18]


async def main(url: str, attempts: int, seconds: float) -> None:
    password = os.environ["OSSATURE_DEMO_PASSWORD"]
    process = _server(url)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        admin = (
            await http.post(
                "/commands/log-in",
                json={"tenant": "acme", "email": "admin@acme.test", "password": password},
            )
        ).json()["accessToken"]
        target = f"locked-{new_id().lower()}@acme.test"
        account = {"email": target, "displayName": "Locked", "password": password + "!"}
        made = await http.post(
            "/commands/register-account", json=account, headers={"Authorization": f"Bearer {admin}"}
        )
        made.raise_for_status()

        def wrong() -> Awaitable[int]:
            return _log_in(http, f"nobody-{new_id().lower()}@acme.test", "wrong")

        def throttled() -> Awaitable[int]:
            return _log_in(http, target, "wrong")

        for _ in range(5):  # lock the target
            await throttled()
        per_wrong, wrong_statuses = await _cpu_per_attempt(process, attempts // 4, wrong)
        per_refused, refused_statuses = await _cpu_per_attempt(process, attempts, throttled)
        print(f"server CPU per wrong password:     {per_wrong * 1000:7.2f} ms {wrong_statuses}")
        print(f"server CPU per throttled attempt:  {per_refused * 1000:7.2f} ms {refused_statuses}")
        print(f"ratio wrong / throttled:           {per_wrong / per_refused:7.1f}")

        baseline = await _p95(http, admin, seconds, None)
        under_throttled = await _p95(http, admin, seconds, throttled)
        under_wrong = await _p95(http, admin, seconds, wrong)
        print(f"user p95 alone:                    {baseline:7.1f} ms")
        print(
            f"user p95, 8 throttled attackers:   {under_throttled:7.1f} ms"
            f" ({under_throttled / baseline:.2f} x baseline)"
        )
        print(
            f"user p95, 8 unthrottled attackers: {under_wrong:7.1f} ms"
            f" ({under_wrong / baseline:.2f} x baseline)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.attempts, arguments.seconds))

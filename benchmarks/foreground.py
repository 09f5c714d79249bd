"""create-project against the bench's baseline twice in one run: with the whole system
(`ossature up`), then with the gateway alone (`ossature serve gateway`, no worker role), so
that the ratio tells what a command's own path costs apart from the work it leaves behind.

With the gateway alone, a create-project still does everything before its answer: the token,
the authorization, the idempotency record, the audit entry, the meter, the event (group
commit). What it leaves undone is the background that `up` runs on the same cores: the relay
to JetStream, the projections (projects-catalog and the saga `project-names`) and the push
(the notifier). The events stay in the store and would be relayed by the next worker.

Starts fresh embedded engines in a temporary directory through `ossature up` on a free port
(it also seeds the demo tenant the load logs in to); once `up` has stopped, the gateway
alone starts them again on the same directory. It prepares the bench's folders as
`ossature bench` does, and beside each server it starts the bench's fixed baseline (one
process, as `up` has) on the same PostgreSQL. For each server in turn, `--rounds` rounds of
the baseline and of create-project alternated, `--seconds` s each after a second of
warm-up, from `--clients` keep-alive clients in this process (the same client for both
sides). Prints each round's rate and p99, each server's CPU per create-project (every
process of the var directory, read by psutil, as benchmarks/process_cpu.py does), and
create ÷ baseline for each server, by round and as the median.

Run: .venv/bin/python benchmarks/foreground.py [--rounds 3] [--seconds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from _scenario import Drive, drive, free_port, plan_for, wait_ready
from process_cpu import cpu_seconds

from ossature.kernel.config import Settings
from ossature.tools.bench._baseline import baseline_server, ensure_table
from ossature.tools.bench._baseline_app import PATH
from ossature.tools.bench._plan import Plan
from ossature.tools.bench._target import find_target

SERVERS = {"up": ["up"], "gateway alone": ["serve", "gateway"]}
_READY_WITHIN = 120.0


@dataclass(frozen=True)
class Round:
    scenario: str
    rate: float
    p99_ms: float


@dataclass(frozen=True)
class Measured:
    """One server's rounds, and its processes' CPU over its create-project rounds."""

    server: str
    rounds: list[Round]
    cpu_ms: dict[str, float]  # by process group, per create-project sent

    def rates(self, scenario: str) -> list[float]:
        return [r.rate for r in self.rounds if r.scenario == scenario]

    @property
    def ratios(self) -> list[float]:
        pairs = zip(self.rates("baseline"), self.rates("create-project"), strict=True)
        return [create / base for base, create in pairs]


def main(rounds: int, seconds: float, clients: int) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ossature-foreground-") as var:
        env = {**os.environ, "OSSATURE_VAR_DIR": var, "OSSATURE_PORT": str(port)}
        settings = Settings.from_env(env)
        url = f"http://127.0.0.1:{port}"
        create: Plan | None = None
        measured = []
        for server, args in SERVERS.items():  # `up` first: it seeds, and its workers project
            with _serving(args, env, url):
                create = create or plan_for(url, "create-project", settings)
                target = find_target(url, settings, None)
                assert target.owner_url is not None and target.baseline_url is not None
                asyncio.run(ensure_table(target.owner_url, target.grantee))
                with baseline_server(target.baseline_url, 1) as running:
                    base = Plan(
                        "baseline", running.host, running.port, PATH,
                        create.token, create.folder_id, True, True,
                    )  # fmt: skip
                    measured.append(_measure(server, base, create, rounds, seconds, clients, var))
    for m in measured:
        _report(m)
    print("create-project ÷ baseline, requests/s (median of the rounds):")
    for m in measured:
        by_round = ", ".join(f"{r:.3f}" for r in m.ratios)
        print(f"  {m.server:14s} {statistics.median(m.ratios):.3f} (by round: {by_round})")


def _measure(
    server: str, base: Plan, create: Plan, rounds: int, seconds: float, clients: int, var: str
) -> Measured:
    var_dir = str(Path(var).resolve())
    taken: list[Round] = []
    spent: Counter[str] = Counter()
    sent = 0
    for _ in range(rounds):
        taken.append(_round(base, clients, seconds)[0])
        before = cpu_seconds(var_dir)
        created, driven = _round(create, clients, seconds)
        time.sleep(1.0)  # the background work of the last requests
        for key, value in cpu_seconds(var_dir).items():
            spent[key[0]] += value - before.get(key, 0.0)
        taken.append(created)
        sent += driven.sent
    return Measured(server, taken, {group: 1000 * cpu / sent for group, cpu in spent.items()})


def _round(plan: Plan, clients: int, seconds: float) -> tuple[Round, Drive]:
    driven = asyncio.run(drive(plan, clients, seconds))
    latencies = sorted(driven.latencies)
    p99 = 1000 * latencies[int(len(latencies) * 0.99)]
    return Round(plan.scenario, len(latencies) / seconds, p99), driven


def _report(m: Measured) -> None:
    print(f"{m.server}:")
    for r in m.rounds:
        print(f"  {r.scenario:15s} {r.rate:8.1f} requests/s, p99 {r.p99_ms:6.1f} ms")
    cpu = ", ".join(f"{group} {ms:.3f}" for group, ms in sorted(m.cpu_ms.items()))
    print(f"  CPU ms per create-project: {cpu}, all {sum(m.cpu_ms.values()):.3f}")


@contextmanager
def _serving(args: list[str], env: dict[str, str], url: str) -> Iterator[None]:
    """`ossature <args>` on the var directory of `env`, until the block ends."""
    command = [str(Path(sys.executable).with_name("ossature")), *args]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(url, process, _READY_WITHIN)
        yield
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    main(args.rounds, args.seconds, args.clients)

"""Where a command's CPU goes when Ossature runs as several processes: each process's CPU per
request under load, and the rate.

`ossature bench` reads the CPU of one `ossature up` process and its PostgreSQL. With the
roles in processes of their own (`ossature serve gateway`, `ossature serve worker
scheduler`, beside the engines an `up` or `serve` started on the same var directory), this
reads each of them: every process whose command line holds `ossature up` or `ossature
serve` (named by its roles), and the var directory's NATS server and PostgreSQL.
The load: `--clients` keep-alive clients sending create-project (or list-projects) back to
back for `--seconds` after a second of warm-up, from this process (which is not measured).

Run: OSSATURE_VAR_DIR=var .venv/bin/python benchmarks/process_cpu.py --url http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import psutil
from _scenario import PATHS, drive, plan_for

from ossature.kernel.config import Settings
from ossature.runtime.serving import run


def _group(process: psutil.Process, var_dir: str) -> str | None:
    """What a process is, for this report; None when it is not one of the system's."""
    command = " ".join(process.info["cmdline"] or [])
    if "ossature serve" in command:
        return "serve " + command.split("ossature serve", 1)[1].split("--")[0].strip()
    if "ossature up" in command:
        return "up"
    if "nats-server" in command and var_dir in command:
        return "NATS"
    if process.info["name"] == "postgres" and var_dir in command:
        return "PostgreSQL"  # the postmaster; its backends are its children
    return None


def cpu_seconds(var_dir: str) -> dict[tuple[str, int], float]:
    """The CPU seconds of each of the system's processes on `var_dir`, by (group, pid)."""
    seconds = {}
    for process in psutil.process_iter(["cmdline", "name"]):
        try:
            group = _group(process, var_dir)
            if group is None:
                continue
            family = [process, *process.children()] if group == "PostgreSQL" else [process]
            for member in family:
                times = member.cpu_times()
                seconds[(group, member.pid)] = times.user + times.system
        except psutil.Error:
            continue
    return seconds


def main(url: str, scenario: str, clients: int, seconds: float) -> None:
    settings = Settings.from_env()
    plan = plan_for(url, scenario, settings)
    var_dir = str(settings.var_dir.resolve())
    before = cpu_seconds(var_dir)
    driven = run(drive(plan, clients, seconds))
    latencies, sent = driven.latencies, driven.sent
    time.sleep(1.0)  # the background work of the last requests
    after = cpu_seconds(var_dir)
    spent: Counter[str] = Counter()
    for key, value in after.items():
        spent[key[0]] += value - before.get(key, 0.0)
    latencies.sort()
    print(
        f"{scenario}: {len(latencies) / seconds:.0f} requests/s,"
        f" p50 {1000 * latencies[len(latencies) // 2]:.1f} ms,"
        f" p99 {1000 * latencies[int(len(latencies) * 0.99)]:.1f} ms ({clients} clients)"
    )
    print(f"CPU per request (ms), over the {sent} requests sent and 1 s after:")
    for group, value in sorted(spent.items()):
        print(f"  {group:28s} {1000 * value / sent:6.3f}")
    print(f"  {'all':28s} {1000 * sum(spent.values()) / sent:6.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--scenario", choices=sorted(PATHS), default="create-project")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()
    main(args.url, args.scenario, args.clients, args.seconds)

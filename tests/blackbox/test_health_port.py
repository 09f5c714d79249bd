"""A role without HTTP of its own, as a deployment runs it: `serve scheduler` with
OSSATURE_HEALTH_PORT and OSSATURE_MIGRATE=off beside the running system answers the probes
on that port, and stops cleanly on SIGTERM."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.blackbox._api import System
from tests.blackbox._up import environment, free_port, stop_up, wait_ready


def test_a_scheduler_with_a_health_port_answers_the_probes_and_stops_cleanly(
    system: System,
) -> None:
    """The schema `up` migrated is current, so the start with migrating off goes on; live
    and ready answer 200 on the health port; SIGTERM ends the process with 0."""
    port, log_path = free_port(), system.var_dir / "scheduler-health.log"
    env = environment(system.var_dir) | {
        "OSSATURE_HEALTH_PORT": str(port),
        "OSSATURE_MIGRATE": "off",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ossature", "serve", "scheduler"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, base_url, log_path)
        live = httpx.get(f"{base_url}/health/live", timeout=5)
    finally:
        code = stop_up(process)
    assert (200, {"status": "live"}) == (live.status_code, live.json())
    assert 0 == code, log_path.read_text()[-1500:]

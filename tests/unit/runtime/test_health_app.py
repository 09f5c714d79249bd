"""The probes of a role without HTTP of its own (`serve worker` with OSSATURE_HEALTH_PORT)."""

from __future__ import annotations

import httpx

from ossature.kernel.config import Settings
from ossature.runtime.serving import health_app


async def _answers(ready: bool) -> dict[str, tuple[int, str]]:
    async def readiness() -> bool:
        return ready

    transport = httpx.ASGITransport(app=health_app(readiness))
    async with httpx.AsyncClient(transport=transport, base_url="http://worker.test") as client:
        return {
            path: ((r := await client.get(path)).status_code, r.text)
            for path in ("/health/live", "/health/ready")
        }


async def test_a_ready_worker_answers_both_probes() -> None:
    """Live and ready both answer 200, in the gateway's words."""
    expected = {
        "/health/live": (200, '{"status":"live"}'),
        "/health/ready": (200, '{"status":"ready"}'),
    }
    assert expected == await _answers(ready=True)


async def test_a_worker_away_from_its_engines_is_live_and_not_ready() -> None:
    """Readiness follows the system's: 503 while PostgreSQL or NATS is away; live still 200."""
    expected = {
        "/health/live": (200, '{"status":"live"}'),
        "/health/ready": (503, '{"status":"unavailable"}'),
    }
    assert expected == await _answers(ready=False)


def test_the_health_port_and_the_migrations_switch_are_read_from_the_environment() -> None:
    """OSSATURE_HEALTH_PORT opens the probes; OSSATURE_MIGRATE=off leaves migrating to a Job."""
    given = Settings.from_env({"OSSATURE_HEALTH_PORT": "8081", "OSSATURE_MIGRATE": "off"})
    default = Settings.from_env({})
    assert ((8081, False), (None, True)) == (
        (given.health_port, given.migrate),
        (default.health_port, default.migrate),
    )

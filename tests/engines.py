"""The real engines and the system on them, started once per test session.

Embedded from their wheels by default. With OSSATURE_TEST_ENGINES=external, the engines
that OSSATURE_DATABASE_URL, OSSATURE_NATS_URL and the documented credentials name, read the
way production reads them (`python -m tests.external` sets them up; see
tests/external/environment.py). A plugin of the root conftest, so that the integration and
contract suites share one set of engines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from ossature.engines import EmbeddedEngines
from ossature.engines.nats_auth import NatsCredentials
from ossature.kernel.config import Settings
from ossature.kernel.logging import configure_logging
from ossature.modules.analytics._locations import server_prefix
from ossature.runtime.endpoints import Endpoints, engines
from ossature.runtime.system import System
from tests.external.environment import external_environment


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def endpoints(var_dir: Path) -> Iterator[Endpoints]:
    external = external_environment()
    if external:
        with engines(Settings.from_env({**external, "OSSATURE_VAR_DIR": str(var_dir)})) as found:
            yield found
        return
    with EmbeddedEngines(var_dir / "engines") as found:
        yield Endpoints(
            found.database_url,
            found.nats_url,
            create_database="ossature_integration",
            mqtt_url=found.mqtt_url,
            websocket_url=found.websocket_url,
            nats=NatsCredentials.embedded(Path(found.nats_credentials)),
            smtp_url=found.smtp_url,
            maildir=Path(found.maildir),
        )


@pytest.fixture(scope="session")
async def system(var_dir: Path, endpoints: Endpoints) -> AsyncIterator[System]:
    async for running in _system(var_dir, endpoints):
        yield running


@pytest.fixture(scope="module")
def cluster_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cluster")


@pytest.fixture(scope="module")
def cluster_endpoints(cluster_var_dir: Path) -> Iterator[Endpoints]:
    """Embedded PostgreSQL and a cluster of three nats-server nodes, streams kept on all three
    (their pids: `running_engines(cluster_var_dir / "engines").nats_pids`); for the module
    that asks, stopped after it."""
    with EmbeddedEngines(cluster_var_dir / "engines", nats_nodes=3) as found:
        yield Endpoints(
            found.database_url,
            found.nats_url,
            create_database="ossature_cluster",
            mqtt_url=found.mqtt_url,
            websocket_url=found.websocket_url,
            nats=NatsCredentials.embedded(Path(found.nats_credentials)),
            smtp_url=found.smtp_url,
            maildir=Path(found.maildir),
            nats_replicas=found.nats_replicas,
        )


@pytest.fixture(scope="module")
async def cluster_system(
    cluster_var_dir: Path, cluster_endpoints: Endpoints
) -> AsyncIterator[System]:
    """Every role in this process, connected to the three-node cluster."""
    async for running in _system(cluster_var_dir, cluster_endpoints):
        yield running


async def _system(var_dir: Path, endpoints: Endpoints) -> AsyncIterator[System]:
    configure_logging("json", "warning")
    sources = f"{var_dir / 'sources'}/,{server_prefix(endpoints.owner_database_url)}"
    settings = Settings.from_env(
        {
            "OSSATURE_VAR_DIR": str(var_dir),
            # pragma: allowlist nextline secret: the test system's throwaway demo password
            "OSSATURE_DEMO_PASSWORD": "correct horse battery",
            "OSSATURE_ANALYTICS_ALLOWED_LOCATIONS": sources,
        }
    )
    running = System(settings, endpoints)
    await running.start()
    yield running
    await running.stop()

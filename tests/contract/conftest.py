"""The contract suite runs every test once per SDK backend, against the same real system.

The engines and the system are the integration suite's (tests/engines.py). Both backends
reach what `ossature up` serves, the gateway's routes and the web app's pages on one app
(cli/_site.py): the HTTP backend through a real server on a free port, the in-process
backend with no socket.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn

from ossature.cli._site import site_of
from ossature.runtime.system import System
from ossature.sdk import Backend, Client, Http, InProcess
from tests.integration._push import PushTenant, push_tenant
from tests.integration.support import eventually

BACKENDS = ("http", "in-process")
START_WITHIN = 20.0  # generous: a guard against a hang, never a measure


@pytest.fixture(scope="session")
async def http_url(system: System) -> AsyncIterator[str]:
    """The system's site served over HTTP on a free port, for the whole session."""
    listening = socket.socket()
    # Accepted connections inherit it; without it each answer waits ~40 ms for an ack.
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listening.bind(("127.0.0.1", 0))
    config = uvicorn.Config(site_of(system), log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listening]))

    async def up() -> bool:
        return server.started or serving.done()

    await eventually(up, bool, within=START_WITHIN)
    assert server.started, "the HTTP server did not start"
    yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    server.should_exit = True
    await serving


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, system: System) -> Backend:
    """Each backend in turn: the same tests must pass through both."""
    if request.param == "http":
        return Http(request.getfixturevalue("http_url"))
    return InProcess(site_of(system))


@pytest.fixture
async def client(backend: Backend) -> AsyncIterator[Client]:
    """An anonymous client on the backend under test."""
    async with Client(backend) as anonymous:
        yield anonymous


@pytest.fixture
async def people(system: System) -> PushTenant:
    """A fresh tenant whose admin, editor (at EU) and viewer (at US) have passwords."""
    return await push_tenant(system)

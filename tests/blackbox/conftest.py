"""The system under test, started once per session as `python -m ossature up`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from ossature.engines import running_engines
from ossature.kernel.database import Database
from tests.blackbox._api import System, Tenant, TokenFor, call, claims_of, eventually, log_in
from tests.blackbox._up import running
from tests.external.environment import external_environment

SEEDED_PROJECTS = {"Paris office move", "Website relaunch", "Customer portal", "Q3 hiring plan"}


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A running Ossature on a free port, stopped by SIGTERM at the end; it must exit with 0."""
    with running(tmp_path_factory.mktemp("ossature")) as started:
        yield started


@pytest.fixture(scope="session")
async def http(system: System) -> AsyncIterator[httpx.AsyncClient]:
    """A client without keep-alive: a connection the server drops cannot fail the next test."""
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30, limits=limits) as client:
        yield client


@pytest.fixture(scope="session")
def token_for(system: System, http: httpx.AsyncClient) -> TokenFor:
    """`await token_for("editor@acme")`: a token for that demo account, one log-in per session."""
    tokens: dict[str, str] = {}

    async def token(who: str) -> str:
        if who not in tokens:
            tokens[who] = await log_in(http, f"{who}.test", system.password)
        return tokens[who]

    return token


async def _tenant(http: httpx.AsyncClient, slug: str, token: str) -> Tenant:
    folders = (await call(http, "queries/list-folders", {}, token)).json()["folders"]
    listed = await eventually(
        lambda: call(http, "queries/list-projects", {}, token),
        lambda answer: SEEDED_PROJECTS <= {p["name"] for p in answer.json()["projects"]},
    )
    projects = {p["name"]: p["projectId"] for p in listed.json()["projects"]}
    folder_ids = {f["name"]: f["folderId"] for f in folders}
    return Tenant(slug, claims_of(token)["tid"], folder_ids, projects)


@pytest.fixture(scope="session")
async def acme(http: httpx.AsyncClient, token_for: TokenFor) -> Tenant:
    return await _tenant(http, "acme", await token_for("admin@acme"))


@pytest.fixture(scope="session")
async def globex(http: httpx.AsyncClient, token_for: TokenFor) -> Tenant:
    return await _tenant(http, "globex", await token_for("admin@globex"))


@pytest.fixture
async def owner(system: System) -> AsyncIterator[Any]:
    """An owner's connection to the running system's database (as an operator would have)."""
    url = external_environment().get("OSSATURE_DATABASE_URL")
    if url is None:
        engines = running_engines(system.var_dir)
        assert engines is not None, "ossature up publishes its engines while it runs"
        url = engines.database_url.replace("/postgres?", "/ossature?")
    db = await Database.connect(url, min_size=1, max_size=1)
    async with db.connection() as conn:
        yield conn
    await db.close()

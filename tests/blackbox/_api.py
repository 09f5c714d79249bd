"""Helpers and types for driving a running Ossature over HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import jwt
from ulid import ULID

from tests.external.environment import external_environment

__all__ = [
    "PROBLEM",
    "System",
    "Tenant",
    "TokenFor",
    "bearer",
    "call",
    "claims_of",
    "eventually",
    "log_in",
    "new_ulid",
    "problem_of",
    "run_cli",
]

PROBLEM = "application/problem+json"
T = TypeVar("T")
TokenFor = Callable[[str], Awaitable[str]]


@dataclass(frozen=True)
class System:
    """A running `ossature up`: where it answers, its demo password, its files."""

    base_url: str
    password: str
    var_dir: Path
    log_path: Path


@dataclass(frozen=True)
class Tenant:
    """A demo tenant as its admin sees it right after start-up."""

    slug: str
    tenant_id: str
    folders: dict[str, str]
    projects: dict[str, str]


def new_ulid() -> str:
    return str(ULID())


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def call(
    http: httpx.AsyncClient,
    path: str,
    payload: Any = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST `payload` as JSON to `path` (e.g. "commands/create-project") as `token`'s holder."""
    body = {} if payload is None else payload
    return await http.post(f"/{path}", json=body, headers={**bearer(token), **(headers or {})})


def problem_of(response: httpx.Response) -> tuple[int, str]:
    """The status and message key of a problem+json answer."""
    assert response.headers.get("content-type") == PROBLEM, response.text[:200]
    return response.status_code, response.json().get("messageKey")


async def log_in(http: httpx.AsyncClient, email: str, password: str) -> str:
    """An access token for `email`; its tenant is the domain's first label (acme.test → acme)."""
    tenant = email.split("@")[1].split(".")[0]
    response = await call(
        http, "commands/log-in", {"tenant": tenant, "email": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["accessToken"])


def claims_of(token: str) -> dict[str, Any]:
    """A token's claims, unverified: what the server put in it."""
    return jwt.decode(token, options={"verify_signature": False})


async def eventually(
    probe: Callable[[], Awaitable[T]], accept: Callable[[T], bool], within: float = 5.0
) -> T:
    """The probe's first accepted answer, or its last one after `within` seconds: read models lag."""
    deadline = time.monotonic() + within
    while True:
        answer = await probe()
        if accept(answer) or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.05)


def run_cli(system: System, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m ossature ARGS` on the running system's var directory (it attaches)."""
    env = {**os.environ, "OSSATURE_VAR_DIR": str(system.var_dir), "OSSATURE_LOG_FORMAT": "json"}
    env = {k: v for k, v in env.items() if k not in {"OSSATURE_DATABASE_URL", "OSSATURE_NATS_URL"}}
    env |= external_environment()  # the system's external engines, when it has them
    return subprocess.run(
        [sys.executable, "-m", "ossature", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )

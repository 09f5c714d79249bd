"""Where a client's calls go: to a server over the network, or into a gateway in this process.

Both backends speak the same HTTP to the same gateway, so authentication, authorization,
idempotency, problems and ids are the gateway's own under either: the in-process backend
only leaves out the socket (docs/decisions/0030-the-sdk-in-process-backend.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

__all__ = ["ASGIApp", "Backend", "Http", "InProcess"]

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
IN_PROCESS_URL = "http://ossature.test"  # .test never resolves: no request leaves the process


class Backend(Protocol):
    """Opens the connection a client sends its requests through."""

    def connect(self) -> httpx.AsyncClient:
        """A new HTTP client whose requests reach an Ossature gateway."""
        ...


@dataclass(frozen=True)
class Http:
    """A server at `base_url`, over the network (`ossature up`, or a deployed gateway)."""

    base_url: str
    timeout: float = 10.0

    def connect(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout)


@dataclass(frozen=True)
class InProcess:
    """A gateway's ASGI app in this process (`gateway_of(system)`): no socket, no server to run.

    An exception that escapes the gateway (a bug: the gateway answers every failure it
    expects with a problem) is raised here as it is, where a server would answer 500.
    """

    app: ASGIApp
    client_ip: str = "127.0.0.1"

    def connect(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(self.client_ip, 0))
        return httpx.AsyncClient(transport=transport, base_url=IN_PROCESS_URL)

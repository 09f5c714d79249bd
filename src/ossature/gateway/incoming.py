"""What the gateway reads of an HTTP request, and a lean reader of it for the hot routes.

Starlette's `Request` satisfies `Asked`; `Incoming` reads the same things straight from the
ASGI scope, its headers decoded once into a dict (Starlette's `Headers.get` walks and
encodes at every lookup, and a request is asked for a dozen).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Protocol

from starlette.datastructures import Address
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope

__all__ = ["Asked", "Incoming"]


class Asked(Protocol):
    """An HTTP request as the gateway reads it: headers by lower-case name, the peer, the
    body as a stream of chunks, and the ASGI scope."""

    @property
    def scope(self) -> Scope: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def client(self) -> Address | None: ...

    def stream(self) -> AsyncIterator[bytes]: ...


class Incoming:
    """A request read from its scope as Starlette's `Request` reads it: the first of a
    repeated header wins, names and values decoded as latin-1, a disconnect while the body
    is read raises `ClientDisconnect`."""

    __slots__ = ("_headers", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope, self.receive = scope, receive
        self._headers: dict[str, str] | None = None

    @property
    def headers(self) -> Mapping[str, str]:
        if self._headers is None:
            raw = reversed(self.scope["headers"])  # reversed: the first of a name is kept
            self._headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw}
        return self._headers

    @property
    def client(self) -> Address | None:
        peer = self.scope.get("client")
        return None if peer is None else Address(*peer)

    async def stream(self) -> AsyncIterator[bytes]:
        more = True
        while more:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            more = message.get("more_body", False)
            if message.get("body"):
                yield message["body"]

"""The lean request reads what Starlette's `Request` reads, from the same scope."""

from __future__ import annotations

import pytest
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message, Receive, Scope

from ossature.gateway.incoming import Asked, Incoming

SCOPE: Scope = {
    "type": "http",
    "method": "POST",
    "path": "/commands/x",
    "client": ("192.0.2.1", 4711),
    "headers": [
        (b"authorization", b"Bearer first"),
        (b"authorization", b"Bearer second"),
        (b"user-agent", b"caf\xe9"),
    ],
}


def _receive(*messages: Message) -> Receive:
    queue = list(messages)

    async def receive() -> Message:
        return queue.pop(0)

    return receive


async def _read(request: Asked) -> tuple[object, ...]:
    body = b"".join([chunk async for chunk in request.stream()])
    headers = (request.headers.get("authorization"), request.headers.get("user-agent"))
    return headers, request.headers.get("accept"), request.client, body


async def test_it_reads_what_starlette_reads() -> None:
    """The first of a repeated header, latin-1 values, the peer, a body in chunks."""
    chunks = (
        {"type": "http.request", "body": b'{"a":', "more_body": True},
        {"type": "http.request", "body": b"1}", "more_body": False},
    )
    lean = await _read(Incoming(SCOPE, _receive(*chunks)))
    assert (await _read(Request(SCOPE, _receive(*chunks))), "café") == (lean, lean[0][1])  # type: ignore[index]


async def test_a_disconnect_while_reading_is_said_as_starlette_says_it() -> None:
    """ClientDisconnect, which the last guard answers as any failure."""
    receive = _receive(
        {"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}
    )
    with pytest.raises(ClientDisconnect):
        await _read(Incoming(SCOPE, receive))


def test_a_request_without_a_peer_has_no_client() -> None:
    assert Incoming({**SCOPE, "client": None}, _receive()).client is None

"""A long-lived NATS connection on a nats-server of its own: a drop and the return are
logged; the connection's own close is not."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from ossature.engines._nats import Nats
from ossature.engines.nats_auth import NatsCredentials, service_options
from ossature.kernel.logging import configure_logging
from ossature.kernel.reconnect import connect_reconnecting
from tests.integration._push import WAIT, until


def _said(lines: io.StringIO) -> list[str]:
    """The NATS lines logged so far, by event."""
    events = [json.loads(text)["event"] for text in lines.getvalue().splitlines() if text]
    return [event for event in events if event.startswith("nats.")]


async def test_a_drop_and_the_return_are_logged_and_the_own_close_is_not(
    tmp_path: Path,
) -> None:
    """The server restarted under the connection: `nats.disconnected` (after the error the
    client met), then `nats.reconnected`; closed by its owner after that: nothing more."""
    server = Nats(tmp_path / "nats")
    ports = await asyncio.to_thread(server.start)
    options = service_options(NatsCredentials.embedded(server.credentials_dir))
    lines = io.StringIO()
    configure_logging("json", "info", lines)
    client = None
    try:
        client = await connect_reconnecting(
            "under-test", f"nats://127.0.0.1:{ports.client}", options
        )
        # when: the server goes and comes back on the same port
        await asyncio.to_thread(server.restart, ports)
        await until(lambda: "nats.reconnected" in _said(lines))
        await client.flush(timeout=int(WAIT))
        dropped = _said(lines)
        # and the owner closes the connection
        await client.close()
    finally:
        if client is not None and not client.is_closed:  # a failure above: not left retrying
            await client.close()
        configure_logging("json", "warning")
        await asyncio.to_thread(server.stop)
    # then: the drop and the return were said (among the errors met on the way), and the
    # close said nothing more
    assert ["nats.disconnected", "nats.reconnected"] == [e for e in dropped if e != "nats.error"]
    assert dropped == _said(lines)

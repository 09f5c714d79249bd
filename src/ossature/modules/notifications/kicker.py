"""The kicker: a deactivated account's open connections to the broker are dropped at once.

The auth callout admits a connection once and the server keeps it until its user JWT
expires (with the access token, up to 30 minutes). When an account is deactivated, a worker
follows `account-deactivated` events with a durable consumer and, as the server's system
account, lists the connections of every server (`$SYS.REQ.SERVER.PING.CONNZ`, account
USERS) and drops those admitted for that account (`$SYS.REQ.SERVER.<id>.KICK`, by
connection id); the callout refuses its connections from then on (decision 50). A kick is
idempotent, so a message delivered again only finds nothing left to drop, and the message is
acknowledged after the kick: a worker that dies midway leaves it to the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from ossature.kernel.logging import get_logger
from ossature.kernel.reconnect import Backoff, connect_reconnecting
from ossature.kernel.relay import EVENT_STREAM
from ossature.modules.notifications.callout import owns_client_id

__all__ = ["CONSUMER", "DEACTIVATED", "Kicker", "connections_of"]

CONSUMER = "ossature-kicker"
DEACTIVATED = "ossature.events.*.*.account.account-deactivated"  # partition, tenant
_CONNZ = "$SYS.REQ.SERVER.PING.CONNZ"
_PAGE = 1024  # connections per answer; a server with more answers again from the offset
_log = get_logger("ossature.kicker")


def connections_of(account_id: str, connections: Iterable[Mapping[str, Any]]) -> list[int]:
    """The ids of the connections admitted for `account_id`: their user JWT names it (the
    callout's `name`), or their MQTT client id is the account's."""
    return [
        int(c["cid"])
        for c in connections
        if c.get("name_tag") == account_id
        or owns_client_id(account_id, str(c.get("mqtt_client") or "\0"))
    ]


class Kicker:
    """Follows account deactivations and drops the account's connections on every server."""

    def __init__(
        self,
        nc: Any,
        url: str,
        system: Mapping[str, Any],
        users_account: str,
        *,
        answers: float = 0.25,
    ) -> None:
        """`nc`: Ossature's connection (JetStream); `url` and `system`: how to connect as the
        system account's user; `answers`: how long servers' answers to a ping are gathered."""
        self.nc, self.url, self.system, self.users = nc, url, system, users_account
        self.answers = answers
        self._sys: Any = None

    async def run(self, stop: asyncio.Event) -> None:
        """Follow deactivations until `stop` is set; start again after a failure."""
        backoff = Backoff()
        while not stop.is_set():
            try:
                await self._follow(stop, backoff)
            except Exception:
                _log.exception("kicker.failed")
                await backoff.wait(stop)
        if self._sys is not None:
            with contextlib.suppress(Exception):
                await self._sys.close()

    async def _follow(self, stop: asyncio.Event, backoff: Backoff) -> None:
        if self._sys is None:
            self._sys = await connect_reconnecting("ossature-kicker", self.url, self.system)
        config = ConsumerConfig(
            durable_name=CONSUMER,
            deliver_policy=DeliverPolicy.NEW,
            ack_policy=AckPolicy.EXPLICIT,
            filter_subject=DEACTIVATED,
        )
        await self.nc.jetstream().add_consumer(EVENT_STREAM, config)  # or update its filter
        subscription = await self.nc.jetstream().pull_subscribe(
            DEACTIVATED, durable=CONSUMER, stream=EVENT_STREAM, config=config
        )
        backoff.reset()
        while not stop.is_set():
            try:
                messages = await subscription.fetch(16, timeout=0.5)
            except TimeoutError:  # nats-py raises its TimeoutError, or asyncio's from a fetch
                continue
            for message in messages:
                account_id = json.loads(message.data)["payload"]["accountId"]
                dropped = await self.kick(account_id)
                _log.info("kicker.kicked", account_id=account_id, connections=dropped)
                await message.ack()

    async def kick(self, account_id: str) -> int:
        """Drop every connection of `account_id`, on every server; how many were dropped."""
        dropped = 0
        for server, connections in await self._connections():
            for cid in connections_of(account_id, connections):
                request = json.dumps({"cid": cid}).encode()
                await self._sys.request(f"$SYS.REQ.SERVER.{server}.KICK", request, timeout=2)
                dropped += 1
        return dropped

    async def _connections(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Each server's id and its connections of the users' account (every page)."""
        found: list[tuple[str, list[dict[str, Any]]]] = []
        for answer in await self._ping({"acc": self.users, "auth": True, "limit": _PAGE}):
            server, data = answer["server"]["id"], answer.get("data") or {}
            connections = list(data.get("connections") or [])
            offset = len(connections)
            while offset < int(data.get("total") or 0):
                data = await self._page(server, offset)
                page = list(data.get("connections") or [])
                if not page:
                    break
                connections += page
                offset += len(page)
            found.append((server, connections))
        return found

    async def _page(self, server: str, offset: int) -> dict[str, Any]:
        options = {"acc": self.users, "auth": True, "limit": _PAGE, "offset": offset}
        subject = f"$SYS.REQ.SERVER.{server}.CONNZ"
        reply = await self._sys.request(subject, json.dumps(options).encode(), timeout=2)
        return dict(json.loads(reply.data).get("data") or {})

    async def _ping(self, options: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every server's answer to a CONNZ ping: the first awaited, the others of a cluster
        gathered for `answers` seconds more (a ping has no count of who will answer)."""
        inbox = self._sys.new_inbox()
        answers: list[dict[str, Any]] = []
        first = asyncio.Event()

        async def gather(message: Any) -> None:
            answers.append(json.loads(message.data))
            first.set()

        subscription = await self._sys.subscribe(inbox, cb=gather)
        try:
            await self._sys.publish(_CONNZ, json.dumps(options).encode(), reply=inbox)
            await asyncio.wait_for(first.wait(), timeout=5)
            await asyncio.sleep(self.answers)
        finally:
            await subscription.unsubscribe()
        return answers

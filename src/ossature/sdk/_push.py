"""Server push: an async iterator of one user's notifications, over MQTT.

    async with client.subscribe() as notifications:   # connected and subscribed here
        async for notification in notifications:
            print(notification.message_key, notification.params)

The broker admits the connection by its access token and drops it when the token
expires; the subscription then asks its token provider for a valid token and
reconnects. Notifications are delivered at most once to a connected client (MQTT QoS 0):
after a reconnect (`reconnects` grows), reload what the screen shows.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import aiomqtt

from ossature.sdk._errors import Unauthenticated, Unavailable, backoff_delay
from ossature.sdk._types import Json

__all__ = ["Notification", "Subscription", "TokenProvider", "token_claims"]

TokenProvider = Callable[[], Awaitable[str]]
Discovery = Callable[[], Awaitable[Json]]
REFUSALS_BEFORE_GIVING_UP = 3


@dataclass(frozen=True)
class Notification:
    """What happened, as a message key and parameters (render them with the message catalog)."""

    message_key: str
    params: Json
    entity_type: str
    entity_id: str
    event_id: str
    event_type: str
    actor_id: str | None
    trace: Json
    raw: Json

    @classmethod
    def from_json(cls, body: Json) -> Notification:
        entity = body.get("entity") or {}
        return cls(
            message_key=str(body.get("messageKey", "")),
            params=dict(body.get("params") or {}),
            entity_type=str(entity.get("type", "")),
            entity_id=str(entity.get("id", "")),
            event_id=str(body.get("eventId", "")),
            event_type=str(body.get("eventType", "")),
            actor_id=body.get("actorId"),
            trace=dict(body.get("trace") or {}),
            raw=body,
        )


def token_claims(token: str) -> Json:
    """An access token's claims, read without verifying it (the server verifies)."""
    try:
        body = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (IndexError, ValueError) as error:
        raise Unauthenticated(401, "errors.unauthenticated", {"reason": "malformed"}) from error
    if not isinstance(claims, dict):
        raise Unauthenticated(401, "errors.unauthenticated", {"reason": "malformed"})
    return claims


BROADCAST_TOPICS = ("announcements",)


class Subscription:
    """One user's notification topic and the broadcast topics (new entries of the changelog);
    connects on `async with` or on the first iteration."""

    def __init__(self, discovery: Discovery, token: TokenProvider, *, websocket: bool = False):
        self._discovery, self._token, self._websocket = discovery, token, websocket
        self._mqtt: aiomqtt.Client | None = None
        self.reconnects = 0
        self.topic: str | None = None

    async def __aenter__(self) -> Subscription:
        await self.connect()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        """True while connected and subscribed."""
        return self._mqtt is not None

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Notification:
        while True:
            if self._mqtt is None:
                await self.connect()
            assert self._mqtt is not None
            try:
                message = await anext(self._mqtt.messages)
            except aiomqtt.MqttError:  # dropped: the token expired, or the broker went away
                await self.close()
                self.reconnects += 1
                continue
            return Notification.from_json(json.loads(bytes(message.payload or b"")))

    async def connect(self) -> None:
        """Connect with a token from the provider and subscribe; retry refusals a few times."""
        refusals, attempt = 0, 0
        while self._mqtt is None:
            try:
                await self._connect_once(await self._token())
            except aiomqtt.MqttCodeError as error:  # CONNACK refused: the token is not valid
                refusals += 1
                if refusals >= REFUSALS_BEFORE_GIVING_UP:
                    raise _refused(str(error)) from error
            except aiomqtt.MqttError:  # unreachable: keep trying, the broker may come back
                pass
            if self._mqtt is None:
                await asyncio.sleep(backoff_delay(attempt))
                attempt += 1

    async def close(self) -> None:
        """Disconnect; iterating again reconnects."""
        mqtt, self._mqtt = self._mqtt, None
        if mqtt is not None:
            with contextlib.suppress(aiomqtt.MqttError):
                await mqtt.__aexit__(None, None, None)

    async def _connect_once(self, token: str) -> None:
        claims = token_claims(token)
        tenant_id, account_id = str(claims.get("tid")), str(claims.get("sub"))
        topic = f"tenants/{tenant_id}/users/{account_id}/notifications"
        mqtt = self._client(await self._mqtt_url(), tenant_id, account_id, token)
        await mqtt.__aenter__()
        try:  # the user's own topic, and what is told to everyone (the changelog's entries)
            granted = await mqtt.subscribe([(topic, 0), *((t, 0) for t in BROADCAST_TOPICS)])
        except BaseException:
            await mqtt.__aexit__(None, None, None)
            raise
        if _failed(granted):
            await mqtt.__aexit__(None, None, None)
            raise _refused("subscription")
        self._mqtt, self.topic = mqtt, topic

    async def _mqtt_url(self) -> str:
        mqtt = (await self._discovery()).get("mqtt") or {}
        url = mqtt.get("websocketUrl" if self._websocket else "url")
        if not url:
            raise Unavailable(503, "errors.unavailable", {"reason": "no MQTT listener"})
        return str(url)

    def _client(self, url: str, tenant_id: str, account_id: str, token: str) -> aiomqtt.Client:
        parts = urlsplit(url)
        options: dict[str, Any] = {}
        if parts.scheme in ("ws", "wss"):
            options = {"transport": "websockets", "websocket_path": parts.path or "/mqtt"}
            if parts.scheme == "wss":
                options["tls_params"] = aiomqtt.TLSParameters()
        return aiomqtt.Client(
            parts.hostname or "127.0.0.1",
            parts.port or (1883 if parts.scheme == "mqtt" else 443),
            username=tenant_id,
            password=token,
            identifier=f"{account_id}-{secrets.token_hex(6)}",
            protocol=aiomqtt.ProtocolVersion.V311,
            keepalive=30,
            **options,
        )


def _failed(granted: Any) -> bool:
    codes = granted if isinstance(granted, list | tuple) else [granted]
    return any(getattr(code, "is_failure", False) or code == 0x80 for code in codes)


def _refused(reason: str) -> Unauthenticated:
    return Unauthenticated(401, "errors.unauthenticated", {"reason": f"mqtt: {reason}"})

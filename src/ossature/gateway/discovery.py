"""`GET /.well-known/ossature-configuration`: where a client finds the keys and server push."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from ossature.modules.identity._tokens import ISSUER
from ossature.runtime.endpoints import Endpoints

__all__ = ["configuration_endpoint", "mqtt_discovery"]


def mqtt_discovery(endpoints: Endpoints) -> dict[str, Any]:
    """What the document says about MQTT: where, and how to connect."""
    return {
        "url": endpoints.mqtt_url,
        "websocketUrl": endpoints.websocket_url,
        "protocolVersion": "3.1.1",
        "topic": "tenants/{tenantId}/users/{accountId}/notifications",
        "username": "{tenantId}",
        # pragma: allowlist nextline secret: says what to send; holds no secret
        "password": "the access token",
        "clientId": "{accountId}-<any suffix>",
    }


def configuration_endpoint(
    mqtt: Mapping[str, Any] | None,
) -> Callable[[Request], Awaitable[Response]]:
    """The route answering the discovery document; URLs of the API are the request's own."""

    async def configuration(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        body = {
            "issuer": ISSUER,
            "apiUrl": base,
            "jwksUri": f"{base}/.well-known/jwks.json",
            "mqtt": dict(mqtt or {"url": None, "websocketUrl": None}),
        }
        return Response(
            msgspec.json.encode(body),
            media_type="application/json",
            headers={"Cache-Control": "max-age=300"},
        )

    return configuration

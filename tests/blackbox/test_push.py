"""Server push, from outside: discovery over HTTP, notifications over MQTT and MQTT over WebSocket."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import aiomqtt
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from ossature.sdk import Client
from tests.blackbox._api import System, Tenant, TokenFor, call, claims_of

WAIT = 20.0  # a guard against a hang, never a measure


async def discovery(http: httpx.AsyncClient) -> dict[str, Any]:
    return dict((await http.get("/.well-known/ossature-configuration")).json())


@asynccontextmanager
async def mqtt(url: str, token: str, username: str | None = None) -> AsyncIterator[aiomqtt.Client]:
    """A raw MQTT 3.1.1 client: the token's tenant as user name, the token as password."""
    parts, claims = urlsplit(url), claims_of(token)
    options: dict[str, Any] = {}
    if parts.scheme == "ws":
        options = {"transport": "websockets", "websocket_path": parts.path}
    client = aiomqtt.Client(
        parts.hostname or "127.0.0.1",
        parts.port or 1883,
        username=username or claims["tid"],
        password=token,
        identifier=f"{claims['sub']}-{secrets.token_hex(4)}",
        protocol=aiomqtt.ProtocolVersion.V311,
        **options,
    )
    async with client:
        yield client


@asynccontextmanager
async def listening(url: str, token: str) -> AsyncIterator[aiomqtt.Client]:
    claims = claims_of(token)
    async with mqtt(url, token) as client:
        await client.subscribe(f"tenants/{claims['tid']}/users/{claims['sub']}/notifications")
        yield client


async def created(client: aiomqtt.Client, count: int, tag: str) -> list[str]:
    """The project names of the next `count` notifications naming `tag` (other tests' skipped)."""
    names: list[str] = []
    async with asyncio.timeout(WAIT):
        while len(names) < count:
            body = json.loads(bytes((await anext(client.messages)).payload or b""))
            name = str(body["params"].get("projectName", ""))
            names += [name] if tag in name else []
    return names


async def create(http: httpx.AsyncClient, token: str, folder: str, name: str) -> None:
    answer = await call(http, "commands/create-project", {"folderId": folder, "name": name}, token)
    assert answer.status_code == 200, answer.text


def refused(granted: Any) -> bool:
    return all(getattr(code, "is_failure", False) for code in granted)


async def test_the_discovery_document_names_both_mqtt_addresses(
    http: httpx.AsyncClient, system: System
) -> None:
    """mqtt://host:port and ws://host:port/mqtt, and the JWKS on the API's own address."""
    document = await discovery(http)
    mqtt_url, ws_url = urlsplit(document["mqtt"]["url"]), urlsplit(document["mqtt"]["websocketUrl"])
    assert ("mqtt", "ws", "/mqtt", f"{system.base_url}/.well-known/jwks.json") == (
        mqtt_url.scheme,
        ws_url.scheme,
        ws_url.path,
        document["jwksUri"],
    )


async def test_those_who_may_see_a_project_are_told_and_no_one_else(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, globex: Tenant
) -> None:
    """France: acme's admin and editor. The viewer (US) and globex hear only their markers."""
    url, tag = (await discovery(http))["mqtt"]["url"], secrets.token_hex(3)
    admin, editor = await token_for("admin@acme"), await token_for("editor@acme")
    viewer, stranger = await token_for("viewer@acme"), await token_for("admin@globex")
    async with (
        listening(url, admin) as admin_mqtt,
        listening(url, editor) as editor_mqtt,
        listening(url, viewer) as viewer_mqtt,
        listening(url, stranger) as stranger_mqtt,
    ):
        await create(http, editor, acme.folders["France"], f"France {tag}")
        await create(http, admin, acme.folders["US"], f"US {tag}")
        await create(http, stranger, globex.folders["Global"], f"Globex {tag}")
        assert [f"France {tag}", f"US {tag}"] == await created(admin_mqtt, 2, tag)
        assert [f"France {tag}"] == await created(editor_mqtt, 1, tag)
        assert [f"US {tag}"] == await created(viewer_mqtt, 1, tag)
        assert [f"Globex {tag}"] == await created(stranger_mqtt, 1, tag)


async def test_a_user_cannot_subscribe_to_events_or_to_someone_else(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """SUBACK failure for the event subjects, another user's topic and a tenant-wide wildcard."""
    url = (await discovery(http))["mqtt"]["url"]
    editor, admin = await token_for("editor@acme"), claims_of(await token_for("admin@acme"))
    async with mqtt(url, editor) as client:
        granted = [
            *(await client.subscribe("ossature/events/#")),
            *(await client.subscribe(f"tenants/{admin['tid']}/users/{admin['sub']}/notifications")),
            *(await client.subscribe(f"tenants/{admin['tid']}/#")),
        ]
    assert refused(granted)


@pytest.mark.parametrize("case", ["forged", "other-tenant"])
async def test_a_forged_or_misattributed_token_is_refused_at_connect(
    http: httpx.AsyncClient, token_for: TokenFor, globex: Tenant, case: str
) -> None:
    """A token signed by another key, or presented for another tenant, gets CONNACK refused."""
    url, token = (await discovery(http))["mqtt"]["url"], await token_for("editor@acme")
    username = globex.tenant_id if case == "other-tenant" else None
    if case == "forged":
        claims = {**claims_of(token), "exp": int(time.time()) + 600}
        header = jwt.get_unverified_header(token)
        token = jwt.encode(claims, ed25519.Ed25519PrivateKey.generate(), "EdDSA", header)
    with pytest.raises(aiomqtt.MqttCodeError):
        async with mqtt(url, token, username):
            pass


async def test_the_sdk_subscribes_over_mqtt_over_websocket(
    system: System, http: httpx.AsyncClient, acme: Tenant
) -> None:
    """The SDK finds the WebSocket address itself and yields the notification, as a browser would."""
    name = f"Over WebSocket {secrets.token_hex(3)}"
    async with Client(system.base_url) as anonymous:
        viewer = await anonymous.as_user("acme", "viewer@acme.test", system.password)
        admin = await anonymous.as_user("acme", "admin@acme.test", system.password)
        async with viewer.subscribe(websocket=True) as notifications:
            await admin.create_project(acme.folders["US"], name)
            async with asyncio.timeout(WAIT):
                async for notification in notifications:
                    if notification.params.get("projectName") == name:
                        break
    assert ("notifications.project-created", name) == (
        notification.message_key,
        notification.params["projectName"],
    )

"""One create-project over HTTP, its creator listening over MQTT, and the spans it caused."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import aiomqtt
import httpx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from ossature.gateway.app import gateway_of
from ossature.kernel.ids import new_id, new_trace_id
from ossature.runtime.contexts import OPERATOR, internal_context, tenant_service
from ossature.runtime.system import System

__all__ = ["WAIT", "Admin", "TracedCommand", "tenant_admin", "traced_create_project"]

WAIT = 30.0  # seconds: a guard against a hang, never a measure
_EVENT = "project-created"


@dataclass(frozen=True)
class TracedCommand:
    """The trace id and the client's span id the request was sent in, the answer's headers,
    the trace's spans, and the notification pushed."""

    trace_id: str
    client_span_id: str
    headers: dict[str, str]
    spans: list[ReadableSpan]
    notification: dict[str, Any]


async def traced_create_project(system: System, exporter: InMemorySpanExporter) -> TracedCommand:
    """Create a tenant and its admin, then one project over HTTP in a trace of our own while
    the admin listens over MQTT; wait for the push and for every span the trace should have
    (the relay's, each projection's of project-created, the notifier's)."""
    tenant_id, _, _, root, account, token = await tenant_admin(system)
    trace_id, client_span_id = new_trace_id(), secrets.token_hex(8)
    topic = f"tenants/{tenant_id}/users/{account}/notifications"
    async with _mqtt(system, tenant_id, token, f"{account}-{secrets.token_hex(4)}") as client:
        await client.subscribe(topic)
        headers = {
            "Authorization": f"Bearer {token}",
            "traceparent": f"00-{trace_id}-{client_span_id}-01",
        }
        transport = httpx.ASGITransport(app=gateway_of(system))
        async with httpx.AsyncClient(transport=transport, base_url="http://ossature.test") as http:
            # a first request warms the token's path up: the traced one shows a warm server
            await http.post("/queries/list-projects", json={}, headers=headers | _fresh())
            answer = await http.post(
                "/commands/create-project",
                json={"folderId": root, "name": "Traced"},
                headers=headers,
            )
        if answer.status_code != 200:
            raise RuntimeError(f"create-project answered {answer.status_code}: {answer.text}")
        async with asyncio.timeout(WAIT):
            message = await anext(client.messages)
    found = await _spans_of(system, exporter, trace_id)
    notification = json.loads(bytes(message.payload or b""))
    return TracedCommand(trace_id, client_span_id, dict(answer.headers), found, notification)


class Admin(NamedTuple):
    """A fresh tenant's admin, logged in."""

    tenant_id: str
    slug: str
    email: str
    root_folder_id: str
    account_id: str
    token: str


async def tenant_admin(system: System) -> Admin:
    """A fresh tenant and its admin, logged in."""
    pipeline = system.pipeline
    assert pipeline is not None
    slug = f"t-{new_id().lower()[-12:]}"
    password = secrets.token_urlsafe(16)
    made = await pipeline.invoke(
        "command", "create-tenant", {"slug": slug, "displayName": slug}, internal_context(OPERATOR)
    )
    if made.status != 200:
        raise RuntimeError(f"create-tenant answered {made.status}: {made.error!r}")
    tenant_id, root = made.body["tenantId"], made.body["rootFolderId"]
    service = tenant_service(tenant_id, root)
    email = f"admin@{slug}.test"
    account = {"email": email, "displayName": "Admin", "password": password}
    registered = await pipeline.invoke(
        "command", "register-account", account, internal_context(service)
    )
    if registered.status != 200:
        raise RuntimeError(f"register-account answered {registered.status}: {registered.error!r}")
    account_id = registered.body["accountId"]
    role = {"accountId": account_id, "role": "tenant-admin", "folderId": root}
    assigned = await pipeline.invoke("command", "assign-role", role, internal_context(service))
    if assigned.status != 200:
        raise RuntimeError(f"assign-role answered {assigned.status}: {assigned.error!r}")
    credentials = {"tenant": slug, "email": email, "password": password}
    token = await _granted_token(system, credentials)
    return Admin(tenant_id, slug, email, root, account_id, token)


async def _granted_token(system: System, credentials: dict[str, str]) -> str:
    """An access token carrying the role just assigned (the grants' read model follows the
    assignment: log in again until it has)."""
    assert system.pipeline is not None and system.secrets is not None
    async with asyncio.timeout(WAIT):
        while True:
            logged = await system.pipeline.invoke(
                "command", "log-in", credentials, internal_context(OPERATOR)
            )
            if logged.status != 200:
                raise RuntimeError(f"log-in answered {logged.status}")
            token = str(logged.body["accessToken"])
            if system.secrets.keys.verify(token, int(time.time())).grants:
                return token
            await asyncio.sleep(0.05)


def _fresh() -> dict[str, str]:
    """A traceparent of another trace."""
    return {"traceparent": f"00-{new_trace_id()}-{secrets.token_hex(8)}-01"}


def _mqtt(system: System, username: str, token: str, client_id: str) -> aiomqtt.Client:
    url = urlsplit(str(system.endpoints.mqtt_url))
    return aiomqtt.Client(
        url.hostname or "127.0.0.1",
        url.port or 1883,
        username=username,
        password=token,
        identifier=client_id,
        protocol=aiomqtt.ProtocolVersion.V311,
    )


async def _spans_of(
    system: System, exporter: InMemorySpanExporter, trace_id: str
) -> list[ReadableSpan]:
    """The trace's spans, once every one expected has ended."""
    wanted = {f"relay {_EVENT}", f"notify {_EVENT}"} | {
        f"project {p.name} {_EVENT}"
        for p in system.app.async_projections
        if _EVENT in p.event_types
    }
    async with asyncio.timeout(WAIT):
        while True:
            found = _in_trace(exporter.get_finished_spans(), trace_id)
            if wanted <= {s.name for s in found}:
                return found
            await asyncio.sleep(0.02)


def _in_trace(spans: Sequence[ReadableSpan], trace_id: str) -> list[ReadableSpan]:
    wanted = int(trace_id, 16)
    return [s for s in spans if s.context is not None and s.context.trace_id == wanted]

"""Helpers for server-push tests: tenants with real, logged-in accounts, and MQTT clients."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiomqtt

from ossature.gateway.app import gateway_of
from ossature.kernel.context import Actor, Context, Grant
from ossature.kernel.ids import new_id
from ossature.modules.identity._tokens import AccessClaims, KeyRing
from ossature.runtime.contexts import OPERATOR, internal_context, new_trace, tenant_service
from ossature.runtime.system import System
from ossature.sdk import Client, InProcess

# pragma: allowlist nextline secret: a throwaway test password
PASSWORD = "push-test-password"
ROLES = (
    ("admin", "tenant-admin", "Global"),
    ("editor", "project-editor", "EU"),
    ("viewer", "project-viewer", "US"),
)
WAIT = 20.0  # generous: a guard against a hang, never a measure


@dataclass
class PushTenant:
    """A tenant whose admin, editor and viewer are real accounts, each logged in once."""

    system: System
    slug: str
    tenant_id: str
    folders: dict[str, str]
    tokens: dict[str, str] = field(default_factory=dict)
    claims: dict[str, AccessClaims] = field(default_factory=dict)

    def account(self, who: str) -> str:
        return self.claims[who].account_id

    def ctx(self, who: str, external_id: str | None = None) -> Context:
        """A context for `who`, as the gateway would build it from the token."""
        claims = self.claims[who]
        actor = Actor(
            account_id=claims.account_id,
            kind="user",
            tenant_id=claims.tenant_id,
            mechanism="session",
            session_id=claims.session_id,
            grants=tuple(Grant(role=g.role, folder_id=g.folder_id) for g in claims.grants),
        )
        return Context(access=actor, trace=new_trace(external_id))

    async def command(self, who: str, name: str, payload: Any, ctx: Context | None = None) -> Any:
        assert self.system.pipeline is not None
        result = await self.system.pipeline.invoke("command", name, payload, ctx or self.ctx(who))
        assert result.status == 200, (name, result.status, result.error and result.error.key)
        return dict(result.body)

    def topic(self, who: str) -> str:
        return f"tenants/{self.tenant_id}/users/{self.account(who)}/notifications"


async def push_tenant(system: System) -> PushTenant:
    """A fresh tenant with Global → EU → France, Global → US and three logged-in accounts."""
    pipeline = system.pipeline
    assert pipeline is not None
    slug = f"p-{new_id().lower()[-12:]}"
    made = await pipeline.invoke(
        "command", "create-tenant", {"slug": slug, "displayName": slug}, internal_context(OPERATOR)
    )
    tenant_id, root = made.body["tenantId"], made.body["rootFolderId"]
    service = tenant_service(tenant_id, root)
    tenant = PushTenant(system, slug, tenant_id, {"Global": root})
    for name, parent in (("EU", "Global"), ("France", "EU"), ("US", "Global")):
        body = {"parentId": tenant.folders[parent], "name": name}
        tenant.folders[name] = (
            await pipeline.invoke("command", "create-folder", body, internal_context(service))
        ).body["folderId"]
    for who, role, folder in ROLES:
        await _account(tenant, service, who, role, folder)
    return tenant


async def _account(tenant: PushTenant, service: Actor, who: str, role: str, folder: str) -> None:
    pipeline = tenant.system.pipeline
    assert pipeline is not None and tenant.system.secrets is not None
    account = {
        "email": f"{who}@{tenant.slug}.test",
        "displayName": who.title(),
        "password": PASSWORD,
    }
    made = await pipeline.invoke("command", "register-account", account, internal_context(service))
    assignment = {
        "accountId": made.body["accountId"],
        "role": role,
        "folderId": tenant.folders[folder],
    }
    await pipeline.invoke("command", "assign-role", assignment, internal_context(service))
    tenant.tokens[who] = await log_in(tenant, who)
    tenant.claims[who] = tenant.system.secrets.keys.verify(tenant.tokens[who], int(time.time()))


async def log_in(tenant: PushTenant, who: str) -> str:
    """A new session's access token for `who`."""
    pipeline = tenant.system.pipeline
    assert pipeline is not None
    body = {"tenant": tenant.slug, "email": f"{who}@{tenant.slug}.test", "password": PASSWORD}
    answer = await pipeline.invoke("command", "log-in", body, internal_context(OPERATOR))
    assert answer.status == 200, answer.error and answer.error.key
    return str(answer.body["accessToken"])


def short_lived(keys: KeyRing, claims: AccessClaims, seconds: int) -> str:
    """A token like `claims`' (same session), valid from now for `seconds`."""
    now = int(time.time())
    return keys.issue(
        AccessClaims(
            account_id=claims.account_id,
            tenant_id=claims.tenant_id,
            session_id=claims.session_id,
            locale=claims.locale,
            grants=claims.grants,
            issued_at=now,
            not_before=now,
            expires_at=now + seconds,
            token_id=new_id(),
        )
    )


@asynccontextmanager
async def mqtt(
    system: System,
    username: str,
    token: str,
    client_id: str,
    websocket: bool = False,
) -> AsyncIterator[aiomqtt.Client]:
    """A raw MQTT 3.1.1 client of the system's broker, connected with `token` as its password."""
    url = urlsplit(str(system.endpoints.websocket_url if websocket else system.endpoints.mqtt_url))
    options: dict[str, Any] = (
        {"transport": "websockets", "websocket_path": url.path} if websocket else {}
    )
    client = aiomqtt.Client(
        url.hostname or "127.0.0.1",
        url.port or 1883,
        username=username,
        password=token,
        identifier=client_id,
        protocol=aiomqtt.ProtocolVersion.V311,
        **options,
    )
    async with client:
        yield client


@asynccontextmanager
async def listening(tenant: PushTenant, who: str) -> AsyncIterator[aiomqtt.Client]:
    """`who`'s MQTT client, subscribed to its own notifications."""
    client_id = f"{tenant.account(who)}-{secrets.token_hex(4)}"
    async with mqtt(tenant.system, tenant.tenant_id, tenant.tokens[who], client_id) as client:
        granted = await client.subscribe(tenant.topic(who))
        assert not failed(granted)
        yield client


def failed(granted: Any) -> bool:
    """True when a SUBACK refused the subscription."""
    codes = granted if isinstance(granted, list | tuple) else [granted]
    return any(getattr(code, "is_failure", False) for code in codes)


async def received(client: aiomqtt.Client, count: int) -> list[dict[str, Any]]:
    """The next `count` notifications on `client`, decoded."""
    found: list[dict[str, Any]] = []
    async with asyncio.timeout(WAIT):
        while len(found) < count:
            message = await anext(client.messages)
            found.append(json.loads(bytes(message.payload or b"")))
    return found


def sdk_client(system: System) -> Client:
    """The SDK talking to the system's gateway in process (MQTT for real)."""
    return Client(InProcess(gateway_of(system)))


async def until(condition: Callable[[], bool | Awaitable[bool]]) -> None:
    """Wait until `condition` holds (a guard of WAIT seconds against a hang)."""
    async with asyncio.timeout(WAIT):
        while True:
            answer = condition()
            if answer if isinstance(answer, bool) else await answer:
                return
            await asyncio.sleep(0.05)

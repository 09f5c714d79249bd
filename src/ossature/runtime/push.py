"""Server push wired into a running system: the notifier, the auth callout, the discovery document."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from ossature.modules.notifications.callout import AuthCallout, sessions_in
from ossature.modules.notifications.notifier import Notifier
from ossature.runtime.nats_auth import USERS_ACCOUNT

if TYPE_CHECKING:
    from ossature.runtime.system import Endpoints, System

__all__ = ["mqtt_discovery", "push_workers"]

Work = Coroutine[Any, Any, None]


def push_workers(system: System) -> tuple[Notifier, Work | None]:
    """The notifier (a worker) and, when this process holds the responder's credentials, the
    auth callout (run by gateways)."""
    assert system.db is not None and system.pipeline is not None and system.secrets is not None
    pipeline = system.pipeline
    notifier = Notifier(
        system.db, system.nc.jetstream(), system.app.modules, pipeline.access, pipeline.services
    )
    credentials = system.endpoints.nats
    if credentials is None or credentials.auth is None or not credentials.issuer_seed:
        return notifier, None
    callout = AuthCallout(
        system.secrets.keys, sessions_in(system.db), credentials.issuer_seed, USERS_ACCOUNT
    )
    options = credentials.auth.connect_options()
    return notifier, callout.run(system.endpoints.nats_url, options, system.stopping)


def mqtt_discovery(endpoints: Endpoints) -> dict[str, Any]:
    """What `/.well-known/ossature-configuration` says about MQTT: where, and how to connect."""
    return {
        "url": endpoints.mqtt_url,
        "websocketUrl": endpoints.websocket_url,
        "protocolVersion": "3.1.1",
        "topic": "tenants/{tenantId}/users/{accountId}/notifications",
        "username": "{tenantId}",
        "password": "the access token",
        "clientId": "{accountId}-<any suffix>",
    }

"""Server push wired into a running system: the notifier, the auth callout, the discovery document."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from ossature.engines.nats_auth import USERS_ACCOUNT
from ossature.modules.notifications.callout import AuthCallout, sessions_in
from ossature.modules.notifications.notifier import Notifier
from ossature.runtime.endpoints import Endpoints

if TYPE_CHECKING:
    from ossature.runtime.system import System

__all__ = ["auth_callout", "mqtt_discovery", "notifier_of"]

Work = Coroutine[Any, Any, None]


def notifier_of(system: System) -> Notifier:
    """The notifier, a worker: project notices to the users who may see the project."""
    assert system.worker_db is not None and system.pipeline is not None
    pipeline = system.pipeline
    return Notifier(
        system.worker_db,
        system.nc,
        system.app.modules,
        pipeline.access,
        pipeline.services,
    )


def auth_callout(system: System) -> Work | None:
    """The auth callout's work, run by gateways; None unless this process holds its credentials."""
    assert system.db is not None and system.secrets is not None
    credentials = system.endpoints.nats
    if credentials is None or credentials.auth is None or not credentials.issuer_seed:
        return None
    callout = AuthCallout(
        system.secrets.keys, sessions_in(system.db), credentials.issuer_seed, USERS_ACCOUNT
    )
    options = credentials.auth.connect_options()
    return callout.run(system.endpoints.nats_url, options, system.stopping)


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

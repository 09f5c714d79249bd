"""Server push wired into a running system: the notifier and the kicker (workers) and the
auth callout (run by gateways)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from ossature.engines.nats_auth import USERS_ACCOUNT
from ossature.kernel.database import Database
from ossature.modules.identity._tokens import KeyRing
from ossature.modules.notifications.callout import AuthCallout, sessions_in
from ossature.modules.notifications.kicker import Kicker
from ossature.modules.notifications.notifier import Notifier
from ossature.runtime.application import Application
from ossature.runtime.endpoints import Endpoints
from ossature.runtime.pipeline import Pipeline

__all__ = ["auth_callout", "kicker_of", "notifier_of"]

Work = Coroutine[Any, Any, None]


def notifier_of(db: Database, nc: Any, app: Application, pipeline: Pipeline) -> Notifier:
    """The notifier: project notices to the users who may see the project."""
    return Notifier(db, nc, app.modules, pipeline.access, pipeline.services)


def auth_callout(
    keys: KeyRing, db: Database, endpoints: Endpoints, stopping: asyncio.Event
) -> Work | None:
    """The auth callout's work; None unless this process holds its credentials."""
    credentials = endpoints.nats
    if credentials is None or credentials.auth is None or not credentials.issuer_seed:
        return None
    callout = AuthCallout(keys, sessions_in(db), credentials.issuer_seed, USERS_ACCOUNT)
    options = credentials.auth.connect_options()
    return callout.run(endpoints.nats_url, options, stopping)


def kicker_of(nc: Any, endpoints: Endpoints) -> Kicker | None:
    """The kicker (deactivated accounts' connections dropped); None without the system
    account's credentials."""
    credentials = endpoints.nats
    if credentials is None or credentials.system is None:
        return None
    return Kicker(nc, endpoints.nats_url, credentials.system.connect_options(), USERS_ACCOUNT)

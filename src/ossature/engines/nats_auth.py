"""Who connects to NATS, and as whom: Ossature's own identities and the key that admits users.

Three NATS accounts keep them apart (and the server's system account, `SYS`, whose user
drops the connections of a deactivated account: decision 50):

- `OSSATURE`: the gateway, the relay and the workers (the `service` identity). It holds the
  event stream and the notifications stream, carries the relay's wake (`ossature.relay.wake`,
  plain NATS), and exports only the users' notification topics.
- `AUTH`: the auth-callout responder alone (the `auth` identity); it may only answer
  `$SYS.REQ.USER.AUTH`.
- `USERS`: everyone else (MQTT clients, anyone with an access token), admitted by the
  callout with a user JWT signed by the `issuer` account key. It imports the notification
  topics and nothing else, so it cannot see events, nor reach OSSATURE's JetStream API.

Embedded engines: nkeys made once under `<nats dir>/credentials/` (mode 0600); the server
configuration holds only their public keys. External engines: the operator configures the
same accounts and hands the credentials over in OSSATURE_NATS_USER / OSSATURE_NATS_PASSWORD
(service), OSSATURE_NATS_AUTH_USER / OSSATURE_NATS_AUTH_PASSWORD (responder) and
OSSATURE_NATS_ISSUER_SEED (see docs/decisions/0009-push-over-mqtt-with-auth-callout.md),
and the system account's user in OSSATURE_NATS_SYSTEM_USER / OSSATURE_NATS_SYSTEM_PASSWORD.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nkeys

from ossature.kernel.config import Settings

__all__ = [
    "AUTH_ACCOUNT",
    "SERVICE_ACCOUNT",
    "SYSTEM_ACCOUNT",
    "USERS_ACCOUNT",
    "NatsCredentials",
    "NatsUser",
    "public_key",
    "service_options",
]

SERVICE_ACCOUNT = "OSSATURE"
AUTH_ACCOUNT = "AUTH"
USERS_ACCOUNT = "USERS"
SYSTEM_ACCOUNT = "SYS"


@dataclass(frozen=True, repr=False)
class NatsUser:
    """One identity: an nkey seed, or a user name and password."""

    user: str | None = None
    password: str | None = None
    seed: str | None = None

    def connect_options(self) -> dict[str, Any]:
        """Keyword arguments for `nats.connect`."""
        if self.seed:
            return {"nkeys_seed_str": self.seed}
        if self.user:
            return {"user": self.user, "password": self.password or ""}
        return {}

    def __repr__(self) -> str:
        return f"NatsUser(user={self.user!r}, nkey={public_key(self.seed) if self.seed else None})"


@dataclass(frozen=True, repr=False)
class NatsCredentials:
    """The service identity, the responder's identity, the seed that signs user JWTs, and
    the system account's user (which lists and drops clients' connections)."""

    service: NatsUser
    auth: NatsUser | None = None
    issuer_seed: str | None = None
    system: NatsUser | None = None

    @classmethod
    def embedded(cls, directory: Path) -> NatsCredentials:
        """The embedded server's nkeys, read from `directory` or made there once."""
        return cls(
            service=NatsUser(seed=_seed(directory / "service.nk", nkeys.PREFIX_BYTE_USER)),
            auth=NatsUser(seed=_seed(directory / "auth.nk", nkeys.PREFIX_BYTE_USER)),
            issuer_seed=_seed(directory / "issuer.nk", nkeys.PREFIX_BYTE_ACCOUNT),
            system=NatsUser(seed=_seed(directory / "system.nk", nkeys.PREFIX_BYTE_USER)),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> NatsCredentials | None:
        """External engines' credentials (OSSATURE_NATS_*); None when none is set."""
        service = NatsUser(settings.nats_user, settings.nats_password)
        auth = NatsUser(settings.nats_auth_user, settings.nats_auth_password)
        issuer = settings.nats_issuer_seed
        system = NatsUser(settings.nats_system_user, settings.nats_system_password)
        if not (service.user or auth.user or issuer):
            return None
        return cls(service, auth if auth.user else None, issuer, system if system.user else None)

    @property
    def serves_callout(self) -> bool:
        """True when this process can answer the auth callout (a responder identity and a seed)."""
        return self.auth is not None and self.issuer_seed is not None

    def __repr__(self) -> str:
        return (
            f"NatsCredentials(service={self.service!r}, auth={self.auth!r}, system={self.system!r})"
        )


def public_key(seed: str) -> str:
    """The public nkey (U… for a user, A… for an account) of a seed."""
    return str(nkeys.from_seed(seed.encode()).public_key.decode())


def _seed(path: Path, prefix: int) -> str:
    """The seed kept in `path`, made (mode 0600) when absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seed = nkeys.encode_seed(os.urandom(32), prefix).decode()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(seed)
    return path.read_text().strip()


def service_options(credentials: NatsCredentials | None) -> dict[str, Any]:
    """`nats.connect` keyword arguments for Ossature's own processes (none: the open account)."""
    return {} if credentials is None else credentials.service.connect_options()

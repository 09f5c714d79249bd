"""Settings read from the environment once, at start-up, by the composition root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    """Everything configurable. External engines are used when their URLs are set."""

    var_dir: Path
    database_url: str | None
    nats_url: str | None
    host: str
    port: int
    log_format: str
    log_level: str
    demo_password: str | None
    analytics_allowed_locations: tuple[str, ...] = ()
    mqtt_url: str | None = None  # external engines: where clients reach the MQTT listener
    mqtt_websocket_url: str | None = None  # ... and MQTT over WebSocket
    nats_user: str | None = None  # external engines: the services' NATS identity
    nats_password: str | None = field(default=None, repr=False)
    nats_auth_user: str | None = None  # the auth-callout responder's NATS identity
    nats_auth_password: str | None = field(default=None, repr=False)
    nats_issuer_seed: str | None = field(default=None, repr=False)  # signs admitted users' JWTs
    nats_system_user: str | None = None  # the system account's user: drops connections
    nats_system_password: str | None = field(default=None, repr=False)
    public_url: str | None = None  # where mailed links point; default: the gateway's own URL
    smtp_url: str | None = field(default=None, repr=False)  # smtp://{user}:{password}@{host}:{port}
    mail_from: str = "Ossature <no-reply@ossature.localhost>"
    login_lock_seconds: int = 60  # the first log-in lock's length; each next one doubles
    session_idle_hours: float = 12.0  # a session unrefreshed this long ends (decision 58)
    trusted_proxies: str = ""  # CIDRs whose X-Forwarded-For names the client
    root_domain: str | None = None  # <slug>.<root domain> is the tenant's entry point
    default_region: str = "eu"  # a new tenant's region when create-tenant names none
    secrets_dir_given: Path | None = None  # OSSATURE_SECRETS_DIR: a mounted secret volume
    nats_cluster: int = 1  # OSSATURE_NATS_CLUSTER: embedded NATS nodes (3: a cluster, replicas 3)
    remote_modules: tuple[str, ...] = ()  # modules whose commands a commands process answers
    command_deadline_seconds: float = 10.0  # a routed command unanswered this long: 504
    migrate: bool = True  # OSSATURE_MIGRATE=off: only check the schema (a Job migrates)
    health_port: int | None = None  # OSSATURE_HEALTH_PORT: probes of a role without HTTP

    @property
    def secrets_dir(self) -> Path:
        """Where the secrets live: OSSATURE_SECRETS_DIR, else `secrets` in the var directory."""
        return self.secrets_dir_given or self.var_dir / "secrets"

    @property
    def links_url(self) -> str:
        """The base of the links mailed to users (OSSATURE_PUBLIC_URL, else this gateway)."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read OSSATURE_* variables; defaults suit a laptop."""
        env = os.environ if env is None else env
        return cls(
            var_dir=Path(env.get("OSSATURE_VAR_DIR", "var")).resolve(),
            database_url=env.get("OSSATURE_DATABASE_URL") or None,
            nats_url=env.get("OSSATURE_NATS_URL") or None,
            host=env.get("OSSATURE_HOST", "127.0.0.1"),
            port=int(env.get("OSSATURE_PORT", "8000")),
            log_format=env.get("OSSATURE_LOG_FORMAT", "json"),
            log_level=env.get("OSSATURE_LOG_LEVEL", "info"),
            demo_password=env.get("OSSATURE_DEMO_PASSWORD") or None,
            analytics_allowed_locations=_allowed_locations(env),
            mqtt_url=env.get("OSSATURE_MQTT_URL") or None,
            mqtt_websocket_url=env.get("OSSATURE_MQTT_WEBSOCKET_URL") or None,
            nats_user=env.get("OSSATURE_NATS_USER") or None,
            nats_password=env.get("OSSATURE_NATS_PASSWORD") or None,
            nats_auth_user=env.get("OSSATURE_NATS_AUTH_USER") or None,
            nats_auth_password=env.get("OSSATURE_NATS_AUTH_PASSWORD") or None,
            nats_issuer_seed=env.get("OSSATURE_NATS_ISSUER_SEED") or None,
            public_url=env.get("OSSATURE_PUBLIC_URL") or None,
            smtp_url=env.get("OSSATURE_SMTP_URL") or None,
            mail_from=env.get("OSSATURE_MAIL_FROM") or "Ossature <no-reply@ossature.localhost>",
            login_lock_seconds=int(env.get("OSSATURE_LOGIN_LOCK_SECONDS") or 60),
            session_idle_hours=float(env.get("OSSATURE_SESSION_IDLE_HOURS") or 12),
            trusted_proxies=env.get("OSSATURE_TRUSTED_PROXIES", ""),
            root_domain=env.get("OSSATURE_ROOT_DOMAIN") or None,
            nats_system_user=env.get("OSSATURE_NATS_SYSTEM_USER") or None,
            nats_system_password=env.get("OSSATURE_NATS_SYSTEM_PASSWORD") or None,
            default_region=env.get("OSSATURE_DEFAULT_REGION") or "eu",
            secrets_dir_given=_path(env.get("OSSATURE_SECRETS_DIR")),
            nats_cluster=int(env.get("OSSATURE_NATS_CLUSTER") or 1),
            remote_modules=_names(env.get("OSSATURE_REMOTE_MODULES", "")),
            command_deadline_seconds=float(env.get("OSSATURE_COMMAND_DEADLINE_SECONDS") or 10),
            migrate=env.get("OSSATURE_MIGRATE", "on").lower() not in ("off", "false", "0", "no"),
            health_port=_port(env.get("OSSATURE_HEALTH_PORT")),
        )


def _path(given: str | None) -> Path | None:
    return Path(given).resolve() if given else None


def _names(raw: str) -> tuple[str, ...]:
    """A comma-separated list of names, blanks dropped."""
    return tuple(name.strip() for name in raw.split(",") if name.strip())


def _port(given: str | None) -> int | None:
    return int(given) if given else None


def _allowed_locations(env: Mapping[str, str]) -> tuple[str, ...]:
    """OSSATURE_ANALYTICS_ALLOWED_LOCATIONS, comma-separated; default `<var_dir>/sources/`."""
    default = f"{Path(env.get('OSSATURE_VAR_DIR', 'var')).resolve() / 'sources'}/"
    raw = env.get("OSSATURE_ANALYTICS_ALLOWED_LOCATIONS") or default
    return tuple(entry.strip() for entry in raw.split(",") if entry.strip())

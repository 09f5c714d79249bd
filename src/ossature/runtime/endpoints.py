"""Which engines a process uses: external ones named by URL, or the embedded ones.

Mail goes to OSSATURE_SMTP_URL when set; otherwise to the embedded SMTP server, started with
the embedded engines (or alone, beside external PostgreSQL and NATS).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ossature.engines import EmbeddedEngines, EngineEndpoints, SmtpServer, running_engines
from ossature.engines.nats_auth import NatsCredentials
from ossature.kernel.config import Settings

__all__ = ["Endpoints", "engines"]


@dataclass(frozen=True)
class Endpoints:
    """The engines the system uses: the database owner's URL and the NATS URL (a cluster's:
    its nodes' URLs, comma-separated; connect with `servers=nats_url.split(",")`)."""

    owner_database_url: str
    nats_url: str
    create_database: str | None = "ossature"
    mqtt_url: str | None = None
    websocket_url: str | None = None
    nats: NatsCredentials | None = None  # None: the open account, and no auth callout served
    smtp_url: str | None = None  # where mail goes; None: nowhere (the mail sink does not run)
    maildir: Path | None = None  # the embedded SMTP server's Maildir, if mail goes there
    nats_replicas: int = 1  # copies of each JetStream stream: 1 on one server, 3 on a cluster


@contextlib.contextmanager
def engines(settings: Settings, attach: bool = False) -> Iterator[Endpoints]:
    """External engines when their URLs are set, else embedded ones under the var directory.

    With `attach`, the engines of an `ossature up` already running on the var directory are
    used as they are (and left running); only when none runs are embedded ones started.
    """
    if settings.database_url and settings.nats_url:
        with _mail_server(settings) as (smtp_url, maildir):
            yield replace(_external(settings), smtp_url=smtp_url, maildir=maildir)
        return
    running = running_engines(settings.var_dir) if attach else None
    if running is not None:
        yield _endpoints_of(running, settings)
        return
    smtp = settings.smtp_url is None
    with EmbeddedEngines(settings.var_dir, smtp, nats_nodes=settings.nats_cluster) as found:
        yield _endpoints_of(found, settings)


def _endpoints_of(found: EngineEndpoints, settings: Settings) -> Endpoints:
    credentials = found.nats_credentials
    return Endpoints(
        found.database_url,
        found.nats_url,
        mqtt_url=found.mqtt_url,
        websocket_url=found.websocket_url,
        nats=NatsCredentials.embedded(Path(credentials)) if credentials else None,
        smtp_url=settings.smtp_url or found.smtp_url or None,
        maildir=Path(found.maildir) if found.maildir and not settings.smtp_url else None,
        nats_replicas=found.nats_replicas,
    )


@contextlib.contextmanager
def _mail_server(settings: Settings) -> Iterator[tuple[str, Path | None]]:
    """OSSATURE_SMTP_URL, or an embedded SMTP server of this process's while it runs (and
    its Maildir)."""
    if settings.smtp_url:
        yield settings.smtp_url, None
        return
    server = SmtpServer(settings.var_dir / "mail")
    try:
        yield server.start(), server.folder
    finally:
        server.stop()


def _external(settings: Settings) -> Endpoints:
    assert settings.database_url and settings.nats_url
    return Endpoints(
        settings.database_url,
        settings.nats_url,
        create_database=None,
        mqtt_url=settings.mqtt_url,
        websocket_url=settings.mqtt_websocket_url,
        nats=NatsCredentials.from_settings(settings),
        nats_replicas=min(settings.nats_cluster, 3),
    )

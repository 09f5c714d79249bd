"""Embedded PostgreSQL and NATS, started from their wheels under the var directory, the
embedded SMTP server, and the NATS accounts Ossature's processes connect as (embedded or
external)."""

from ossature.engines._smtp import SmtpServer, maildir_name
from ossature.engines.embedded import (
    EmbeddedEngines,
    EngineEndpoints,
    EngineError,
    exit_on_termination,
    running_engines,
)

__all__ = [
    "EmbeddedEngines",
    "EngineEndpoints",
    "EngineError",
    "SmtpServer",
    "exit_on_termination",
    "maildir_name",
    "running_engines",
]

"""Embedded PostgreSQL and NATS, started from their wheels under the var directory, and the
NATS accounts Ossature's processes connect as (embedded or external)."""

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
    "exit_on_termination",
    "running_engines",
]

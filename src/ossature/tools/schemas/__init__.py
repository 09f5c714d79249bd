"""The event schema registry: every event type's JSON schema committed per version, and the
check that a change to a struct keeps reading what was stored (decision 97)."""

from __future__ import annotations

from ossature.kernel.messages import Event
from ossature.runtime.application import MODULES
from ossature.tools.schemas._compat import incompatibilities
from ossature.tools.schemas._registry import Problem, check, rendered, schema_file, write

__all__ = [
    "Problem",
    "check",
    "declared",
    "incompatibilities",
    "rendered",
    "schema_file",
    "write",
]


def declared() -> list[type[Event]]:
    """Every event type the application's modules declare (each in its owner's table)."""
    return [event for module in MODULES for event in module.events]

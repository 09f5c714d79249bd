"""One create-project drawn as a trace: `python -m ossature.tools.trace_tree`.

It starts a system in this process on embedded engines of its own, records spans in
memory, creates a project over HTTP (in process) while its creator listens over MQTT, and
prints the trace, from the request to the push, as a tree (docs/architecture.md "Traces").
"""

from ossature.tools.trace_tree._scenario import (
    WAIT,
    Admin,
    TracedCommand,
    tenant_admin,
    traced_create_project,
)
from ossature.tools.trace_tree._tree import render

__all__ = ["WAIT", "Admin", "TracedCommand", "render", "tenant_admin", "traced_create_project"]

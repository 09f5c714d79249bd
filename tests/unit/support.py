"""What unit tests share: a fixed trace for contexts built by hand."""

from __future__ import annotations

from ossature.kernel.context import Trace

TRACE = Trace(
    client_action_id="A",
    external_invocation_id="X",
    originating_trace_id="T",
    parent_invocation_id=None,
    invocation_id="I",
)

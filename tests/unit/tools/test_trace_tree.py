"""A trace drawn as a tree: children under their parent, in the order they began."""

from __future__ import annotations

import re

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from ossature.tools.trace_tree import render


def test_spans_are_drawn_under_their_parents_with_their_kind_and_attributes() -> None:
    """Each span on its line, indented under its parent; times are left out here."""
    # given
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("request", kind=SpanKind.SERVER):
        with (
            tracer.start_as_current_span("commit", attributes={"ossature.events": 1}),
            tracer.start_as_current_span("relay", kind=SpanKind.PRODUCER),
        ):
            pass
        with tracer.start_as_current_span("answer"):
            pass
    # when
    drawn = render(exporter.get_finished_spans())
    # then
    assert [
        "request  [server]",
        "├─ commit  events=1",
        "│  └─ relay  [producer]",
        "└─ answer",
    ] == [re.sub(r"  \+[\d.]+ ms, [\d.]+ ms", "", line) for line in drawn.splitlines()]

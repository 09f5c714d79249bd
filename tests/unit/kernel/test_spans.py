"""Spans: nothing without a provider; with one, each continues its invocation's trace."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import format_span_id

from ossature.kernel import spans
from ossature.kernel.context import Context, Trace, decode_context, encode_context
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.tracing import in_memory

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    provider, found = in_memory()
    try:
        yield found
    finally:
        spans.install(None)
        provider.shutdown()


def trace_of(span_id: str | None) -> Trace:
    return Trace(
        client_action_id="A",
        external_invocation_id="X",
        originating_trace_id=TRACE_ID,
        parent_invocation_id=None,
        invocation_id="01KAAAAAAAAAAAAAAAAAAAAAAA",
        span_id=span_id,
    )


def test_nothing_is_recorded_without_a_provider() -> None:
    """No span is made, and a context stays the very same object."""
    ctx = internal_context(OPERATOR)
    with spans.span("anything", ctx.trace) as made:
        begun = spans.begin("another", ctx.trace)
        assert (None, None, False, ctx) == (made, begun, spans.recording(), ctx)
        assert spans.in_current_span(ctx) is ctx


def test_a_context_stored_before_spans_decodes_and_encodes_as_it_was() -> None:
    """A stored context without `spanId` decodes (no span), and encodes without one."""
    ctx = internal_context(OPERATOR)
    stored = msgspec.json.encode(ctx)
    assert b"spanId" not in stored
    decoded = msgspec.json.decode(stored, type=Context)
    assert (ctx, None) == (decoded, decoded.trace.span_id)


def test_a_trace_in_a_span_names_it_in_its_traceparent_and_carries_it() -> None:
    """The traceparent names the trace's span; encode and decode keep it."""
    ctx = internal_context(OPERATOR).in_span(TRACE_ID, "00f067aa0ba902b7")
    assert f"00-{TRACE_ID}-00f067aa0ba902b7-01" == ctx.trace.traceparent
    assert ctx == decode_context(encode_context(ctx))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "00-not-a-trace-01",
        f"00-{'0' * 32}-00f067aa0ba902b7-01",
        f"00-{TRACE_ID}-{'0' * 16}-01",
        f"00-{TRACE_ID}-00f067aa0ba902zz-01",
    ],
)
def test_a_malformed_traceparent_carries_no_span(header: str | None) -> None:
    """Anything but a W3C traceparent with non-zero ids names no span."""
    assert spans.carried(header) is None


def test_a_traceparent_carries_its_span_and_its_sampled_flag() -> None:
    """The ids and the sampled flag of a W3C traceparent, as a remote span."""
    found = spans.carried(f"00-{TRACE_ID}-00f067aa0ba902b7-00")
    assert found is not None
    assert (int(TRACE_ID, 16), 0xF067AA0BA902B7, True, False) == (
        found.trace_id,
        found.span_id,
        found.is_remote,
        found.trace_flags.sampled,
    )


def test_a_span_continues_the_span_its_trace_names_and_nests_within_its_own(
    exporter: InMemorySpanExporter,
) -> None:
    """Under the stored span (remote) at first; under the current span of the same trace
    inside it; linked to the traces it is given."""
    stored = trace_of("00f067aa0ba902b7")
    with spans.span("outer", stored) as outer:
        assert outer is not None
        inner_trace = spans.in_current_span(internal_context(OPERATOR)).trace
        with spans.span("inner", inner_trace, links=[trace_of("1111111111111111")]):
            pass
    inner, first = exporter.get_finished_spans()
    assert first.parent is not None and inner.parent is not None and first.context is not None
    assert ("00f067aa0ba902b7", True, first.context.span_id, ["1111111111111111"]) == (
        format_span_id(first.parent.span_id),
        first.parent.is_remote,
        inner.parent.span_id,
        [format_span_id(link.context.span_id) for link in inner.links],
    )
    assert (TRACE_ID, spans.ids_of(outer)[1]) == (
        inner_trace.originating_trace_id,
        inner_trace.span_id,
    )


def test_a_trace_stored_without_a_span_is_continued_in_its_own_trace_id(
    exporter: InMemorySpanExporter,
) -> None:
    """An event stored before spans were: its trace id is kept (under the span id its
    traceparent makes up from the invocation id)."""
    stored = trace_of(None)
    with spans.span("after", stored):
        pass
    [after] = exporter.get_finished_spans()
    assert after.context is not None and after.parent is not None
    assert (int(TRACE_ID, 16), stored.traceparent.split("-")[2]) == (
        after.context.trace_id,
        format_span_id(after.parent.span_id),
    )

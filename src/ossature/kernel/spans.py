"""Spans: what the kernel records for OpenTelemetry, through its API only (decision 102).

Nothing is recorded until the runtime installs a tracer provider (`install`, from
runtime/tracing.py when OTEL_EXPORTER_OTLP_ENDPOINT is set): until then `span` yields None
after one global read (a shared context manager that does nothing), and no span, context or attribute is made.

A span continues the trace of an invocation's `Trace`: under the current span when that
one is of the same trace (the request's, the commit's), else under the span the trace
names, as a remote parent. An event's stored context names the span of the commit that
stored it, so that what follows it in other processes (the relay, each projection, the
notifier) joins the invocation's trace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext

from opentelemetry import trace
from opentelemetry.context import Context as SpanParent
from opentelemetry.trace import Link, Span, SpanContext, SpanKind, Tracer, TracerProvider

from ossature.kernel.context import Context, Trace

_SAMPLED = trace.TraceFlags(trace.TraceFlags.SAMPLED)

__all__ = [
    "Attributes",
    "SpanKind",
    "begin",
    "carried",
    "ids_of",
    "in_current_span",
    "install",
    "invocation_attributes",
    "recording",
    "span",
    "span_context_of",
    "traceparent_of",
]

_tracer: Tracer | None = None
_NOTHING: AbstractContextManager[None] = nullcontext()
Attributes = Mapping[str, str | int | bool]


def install(provider: TracerProvider | None) -> None:
    """Record spans with `provider` from now on; None: record nothing again."""
    global _tracer
    _tracer = provider.get_tracer("ossature") if provider is not None else None


def recording() -> bool:
    """True when a tracer provider is installed."""
    return _tracer is not None


def span(
    name: str,
    within: Trace | SpanContext | None = None,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Attributes | None = None,
    links: Sequence[Trace | SpanContext] = (),
) -> AbstractContextManager[Span | None]:
    """A span made current for the block, continuing `within` (see the module's docstring;
    None: under the current span, or a new trace); None when nothing is recorded (a shared
    context manager that does nothing: no generator, no span)."""
    if _tracer is None:
        return _NOTHING
    return _tracer.start_as_current_span(name, _parent(within), kind, attributes, _links(links))


def begin(
    name: str,
    within: Trace | SpanContext | None,
    *,
    kind: SpanKind = SpanKind.INTERNAL,
    attributes: Attributes | None = None,
) -> Span | None:
    """A span started and not made current, for the caller to `end()`; None when nothing is
    recorded."""
    if _tracer is None:
        return None
    return _tracer.start_span(name, _parent(within), kind, attributes)


def span_context_of(value: Trace | SpanContext) -> SpanContext:
    """The span a trace names (its span id, or the one its traceparent makes up)."""
    if isinstance(value, SpanContext):
        return value
    if value.span_id is not None:  # the usual case, without a traceparent's text
        try:
            trace_id, span_id = int(value.originating_trace_id, 16), int(value.span_id, 16)
        except ValueError:
            return trace.INVALID_SPAN_CONTEXT
        return SpanContext(trace_id, span_id, is_remote=True, trace_flags=_SAMPLED)
    return carried(value.traceparent) or trace.INVALID_SPAN_CONTEXT


def carried(traceparent: str | None) -> SpanContext | None:
    """The remote span a W3C traceparent names; None when there is none or it is malformed."""
    parts = (traceparent or "").split("-")
    if len(parts) != 4 or len(parts[1]) != 32 or len(parts[2]) != 16:
        return None
    try:
        trace_id, span_id = int(parts[1], 16), int(parts[2], 16)
        int(parts[3], 16)
    except ValueError:
        return None
    if not trace_id or not span_id:
        return None
    flags = trace.TraceFlags(int(parts[3], 16) & trace.TraceFlags.SAMPLED)
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=flags)


def ids_of(current: Span) -> tuple[str, str]:
    """The trace id and span id of a span, in hex."""
    found = current.get_span_context()
    return trace.format_trace_id(found.trace_id), trace.format_span_id(found.span_id)


def traceparent_of(current: Span | None, fallback: Trace) -> str:
    """The W3C traceparent of `current`, or `fallback`'s when no span is recorded."""
    if current is None:
        return fallback.traceparent
    trace_id, span_id = ids_of(current)
    return f"00-{trace_id}-{span_id}-01"


def in_current_span(ctx: Context) -> Context:
    """`ctx` in the current span, its trace id that span's: what a gateway answers with, and
    what the pipeline's spans continue. `ctx` itself when nothing is recorded."""
    if _tracer is None:
        return ctx
    current = trace.get_current_span()
    if not current.get_span_context().is_valid:
        return ctx
    return ctx.in_span(*ids_of(current))


def invocation_attributes(ctx: Context) -> dict[str, str]:
    """The invocation's ids as span attributes (those it has)."""
    ids = ctx.trace
    found = {
        "ossature.invocation_id": ids.invocation_id,
        "ossature.external_invocation_id": ids.external_invocation_id,
        "ossature.client_action_id": ids.client_action_id,
        "ossature.parent_invocation_id": ids.parent_invocation_id,
        "ossature.tenant_id": ctx.tenant_id,
        "ossature.actor_id": ctx.access.account_id if ctx.access else None,
    }
    return {key: value for key, value in found.items() if value is not None}


def _parent(within: Trace | SpanContext | None) -> SpanParent | None:
    """The current context when its span is of `within`'s trace (or `within` is None), else
    one whose span is the remote span `within` names."""
    if within is None:
        return None
    wanted = span_context_of(within)
    if not wanted.is_valid:
        return None
    current = trace.get_current_span().get_span_context()
    if isinstance(within, Trace) and current.is_valid and current.trace_id == wanted.trace_id:
        return None
    return trace.set_span_in_context(trace.NonRecordingSpan(wanted))


def _links(linked: Sequence[Trace | SpanContext]) -> list[Link] | None:
    found = [span_context_of(value) for value in linked]
    return [Link(context) for context in found if context.is_valid] or None

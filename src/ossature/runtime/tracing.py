"""Where spans go: OTLP over HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nowhere.

With no endpoint nothing is set up: the kernel's spans stay off (one global read each,
decision 102) and the SDK is not even imported. With one, a tracer provider with a batch
processor and the OTLP/HTTP exporter, configured by the standard OTEL_* variables (the
service name `ossature-<role>` unless OTEL_SERVICE_NAME says otherwise); `stop` flushes it.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from ossature.kernel import spans

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

__all__ = ["ENDPOINT_VARIABLES", "in_memory", "service_name", "start_tracing", "stop_tracing"]

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def service_name(roles: Collection[str], environ: Mapping[str, str]) -> str:
    """OTEL_SERVICE_NAME, else `ossature-<role>` (`ossature-up` for every role at once)."""
    named = environ.get("OTEL_SERVICE_NAME")
    if named:
        return named
    return f"ossature-{next(iter(roles))}" if len(roles) == 1 else "ossature-up"


def start_tracing(
    roles: Collection[str], environ: Mapping[str, str] | None = None
) -> TracerProvider | None:
    """Export spans over OTLP/HTTP when an endpoint is set; None (and nothing done) otherwise."""
    environ = os.environ if environ is None else environ
    if not any(environ.get(name) for name in ENDPOINT_VARIABLES):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({SERVICE_NAME: service_name(roles, environ)})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(_endpoint(environ))))
    spans.install(provider)
    return provider


def _endpoint(environ: Mapping[str, str]) -> str:
    """Where traces go: the traces' own endpoint as it is, else the base one's /v1/traces
    (as the OTLP exporter reads them; headers and timeouts it reads itself)."""
    traces = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    if traces:
        return traces
    return environ["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/traces"


def stop_tracing(provider: TracerProvider | None) -> None:
    """Export the spans still queued, then record no more."""
    if provider is None:
        return
    spans.install(None)
    provider.shutdown()


def in_memory(service: str = "ossature-up") -> tuple[TracerProvider, InMemorySpanExporter]:
    """A provider keeping every ended span in memory (tests, the trace tree), installed."""
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    spans.install(provider)
    return provider, exporter

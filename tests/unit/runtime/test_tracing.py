"""Where spans go: over OTLP when an endpoint is set, nowhere otherwise."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from ossature.kernel import spans
from ossature.runtime.tracing import service_name, start_tracing, stop_tracing


def test_without_an_endpoint_nothing_is_set_up() -> None:
    """No OTEL_EXPORTER_OTLP_ENDPOINT: no provider, and the kernel records nothing."""
    provider = start_tracing(["gateway"], {"OTEL_SERVICE_NAME": "ignored"})
    assert (None, False) == (provider, spans.recording())


def test_with_an_endpoint_spans_are_recorded_until_stopped() -> None:
    """An endpoint set: a provider named for the role records until stopped (which flushes)."""
    environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9"}
    provider = start_tracing(["worker"], environ)
    try:
        assert provider is not None
        assert (True, "ossature-worker") == (
            spans.recording(),
            provider.resource.attributes["service.name"],
        )
    finally:
        stop_tracing(provider)
    assert not spans.recording()


def test_the_service_is_named_for_its_role_unless_otel_names_it() -> None:
    """ossature-<role>, ossature-up for every role at once, else OTEL_SERVICE_NAME."""
    assert ("ossature-gateway", "ossature-up", "mine") == (
        service_name(["gateway"], {}),
        service_name(["gateway", "worker", "scheduler"], {}),
        service_name(["worker"], {"OTEL_SERVICE_NAME": "mine"}),
    )


class _Collector(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint keeping what it receives."""

    received: ClassVar[list[tuple[str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def collector() -> Iterator[str]:
    """The URL of a local OTLP/HTTP endpoint, its requests in `_Collector.received`."""
    _Collector.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()


def test_stopping_sends_the_spans_still_queued_over_otlp(collector: str) -> None:
    """Spans wait in the batch processor's queue; stopping exports them to the endpoint,
    named for the service, before it returns."""
    # given
    environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector, "OTEL_SERVICE_NAME": "ossature-test"}
    provider = start_tracing(["gateway"], environ)
    with spans.span("command create-project", attributes={"ossature.status": 200}):
        pass
    # when
    stop_tracing(provider)
    # then
    [(path, body)] = _Collector.received
    request = ExportTraceServiceRequest.FromString(body)
    [resource] = request.resource_spans
    names = [span.name for scope in resource.scope_spans for span in scope.spans]
    service = {a.key: a.value.string_value for a in resource.resource.attributes}
    assert ("/v1/traces", ["command create-project"], "ossature-test") == (
        path,
        names,
        service["service.name"],
    )

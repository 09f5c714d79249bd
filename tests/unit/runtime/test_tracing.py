"""Where spans go: over OTLP when an endpoint is set, nowhere otherwise."""

from __future__ import annotations

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

"""`ossature up` with OTEL_EXPORTER_OTLP_ENDPOINT sends its spans there over OTLP/HTTP, and
a stop sends what is still queued.

The test runs an `up` of its own (its environment names the endpoint: a collector of the
test's own), on embedded engines whatever engines the suite is given.
"""

from __future__ import annotations

import http.server
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.blackbox._api import call, claims_of, eventually, log_in
from tests.blackbox._up import PASSWORD, environment, free_port, stop_up, wait_ready


class _Collector(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint keeping the requests it receives."""

    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def collector() -> Iterator[str]:
    _Collector.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()


def spans_received() -> dict[str, tuple[str, str, str]]:
    """Every span received, by name: (service, trace id, span id)."""
    found = {}
    for body in _Collector.received:
        for resource in ExportTraceServiceRequest.FromString(body).resource_spans:
            attributes = {a.key: a.value.string_value for a in resource.resource.attributes}
            for scope in resource.scope_spans:
                for span in scope.spans:
                    found[span.name] = (
                        attributes["service.name"],
                        span.trace_id.hex(),
                        span.span_id.hex(),
                    )
    return found


def start_traced(
    var_dir: Path, port: int, log_path: Path, collector: str
) -> subprocess.Popen[bytes]:
    """`ossature up` on embedded engines, sending spans to `collector`, never on a timer."""
    env = environment(var_dir, external=False) | {
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
        # nothing sent on a timer or for a full batch: what the collector has, the stop sent
        "OTEL_BSP_SCHEDULE_DELAY": "3600000",
        "OTEL_BSP_MAX_QUEUE_SIZE": "100000",
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "100000",
    }
    command = [sys.executable, "-m", "ossature", "up", "--port", str(port)]
    with log_path.open("ab") as log:
        # Our own interpreter and module, as an argument list: no shell.
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)


async def test_an_up_with_an_endpoint_exports_the_trace_of_a_command_when_stopped(
    tmp_path: Path, collector: str
) -> None:
    """A create-project sent in the client's trace: once `up` has stopped, the collector has
    its request's, pipeline's, commit's and projection's spans, in that trace, as
    `ossature-up`, sent by the stop (nothing was sent before it), and
    the answer's traceparent named the request's span."""
    # given
    port, log_path = free_port(), tmp_path / "server.log"
    process = start_traced(tmp_path, port, log_path, collector)
    base_url = f"http://127.0.0.1:{port}"
    trace_id = secrets.token_hex(16)
    try:
        wait_ready(process, base_url, log_path)
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            token = await log_in(client, "admin@acme.test", PASSWORD)
            folder = claims_of(token)["roles"][0]["folderId"]
            # when
            made = await call(
                client,
                "commands/create-project",
                {"folderId": folder, "name": "Traced"},
                token,
                {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
            )
            assert made.status_code == 200, made.text
            project = made.json()["projectId"]
            listed = await eventually(
                lambda: call(client, "queries/list-projects", {"folderId": folder}, token),
                lambda answer: project in answer.text,
                within=30,
            )
            assert (True, []) == (project in listed.text, _Collector.received)
    finally:
        code = stop_up(process)
    # then
    assert 0 == code, log_path.read_text()[-1500:]
    found = spans_received()
    names = [
        "POST /commands/{name}",
        "command create-project",
        "commit create-project",
        "project projects-catalog project-created",
    ]
    assert [("ossature-up", trace_id)] * 4 == [found[name][:2] for name in names]
    server_span = found["POST /commands/{name}"][2]
    assert f"00-{trace_id}-{server_span}-01" == made.headers["traceparent"]

"""Spans on the real engines: one create-project is one trace, from the request to the push."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_span_id

from ossature.kernel import spans
from ossature.runtime.contexts import OPERATOR, internal_context
from ossature.runtime.system import System
from ossature.runtime.tracing import in_memory
from ossature.tools.trace_tree import WAIT, render, tenant_admin, traced_create_project


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """Spans recorded in memory for the test, and not after it."""
    provider, found = in_memory()
    try:
        yield found
    finally:
        spans.install(None)
        provider.shutdown()


def one(found: list[ReadableSpan], name: str) -> ReadableSpan:
    [span] = [s for s in found if s.name == name]
    return span


def span_id(span: ReadableSpan) -> str:
    assert span.context is not None
    return format_span_id(span.context.span_id)


def parent_id(span: ReadableSpan) -> str | None:
    return format_span_id(span.parent.span_id) if span.parent is not None else None


async def test_one_create_project_is_one_trace_from_the_request_to_the_push(
    system: System, exporter: InMemorySpanExporter
) -> None:
    """The request's server span continues the client's traceparent; the pipeline, the
    handler and the commit nest under it; the event's stored context names the commit, so
    the relay's publication and the projection are its children in the worker's tasks, and
    the notifier continues the relay's span from the message's traceparent header."""
    # when
    traced = await traced_create_project(system, exporter)
    # then
    found = traced.spans
    print(f"\n{render(found)}")  # see it with -s
    server = one(found, "POST /commands/{name}")
    pipeline = one(found, "command create-project")
    handler = one(found, "handle create-project")
    commit = one(found, "commit create-project")
    group = one(found, "group-commit")
    relay = one(found, "relay project-created")
    notify = one(found, "notify project-created")
    projection = one(found, "project projects-catalog project-created")
    assert {traced.trace_id} == {format(s.context.trace_id, "032x") for s in found if s.context}
    assert (SpanKind.SERVER, traced.client_span_id) == (server.kind, parent_id(server))
    assert [span_id(server)] * 1 + [span_id(pipeline)] * 2 + [span_id(commit)] * 3 == [
        parent_id(s) for s in (pipeline, handler, commit, group, relay, projection)
    ]
    assert (span_id(relay), SpanKind.PRODUCER, SpanKind.CONSUMER) == (
        parent_id(notify),
        relay.kind,
        notify.kind,
    )
    assert f"00-{traced.trace_id}-{span_id(server)}-01" == traced.headers["traceparent"]


async def test_the_pipeline_span_carries_the_invocation_ids_and_the_push_the_commit_span(
    system: System, exporter: InMemorySpanExporter
) -> None:
    """The pipeline's span names the invocation (its id is the answer's X-Invocation-Id),
    its tenant, actor, command and status; the notification's trace names the commit's
    span, which its event's stored context holds."""
    # when
    traced = await traced_create_project(system, exporter)
    # then
    pipeline = one(traced.spans, "command create-project")
    commit = one(traced.spans, "commit create-project")
    attributes = dict(pipeline.attributes or {})
    trace = traced.notification["trace"]
    assert (
        traced.headers["x-invocation-id"],
        trace["externalInvocationId"],
        trace["clientActionId"],
        traced.notification["actorId"],
        "create-project",
        200,
        "allowed",
    ) == (
        attributes["ossature.invocation_id"],
        attributes["ossature.external_invocation_id"],
        attributes["ossature.client_action_id"],
        attributes["ossature.actor_id"],
        attributes["ossature.command"],
        attributes["ossature.status"],
        attributes["ossature.outcome"],
    )
    assert (traced.trace_id, span_id(commit)) == (trace["originatingTraceId"], trace["spanId"])


async def test_a_mail_is_sent_in_a_span_under_the_commit_of_the_event_that_asked_for_it(
    system: System, exporter: InMemorySpanExporter
) -> None:
    """request-password-reset's event is mailed by the mail sink in a span whose parent is
    the command's commit span, in the invocation's trace."""
    # given
    assert system.pipeline is not None and system.mailer is not None
    admin = await tenant_admin(system)
    ctx = internal_context(OPERATOR)
    # when
    asked = await system.pipeline.invoke(
        "command",
        "request-password-reset",
        {"tenant": admin.slug, "email": admin.email},
        ctx,
    )
    # then
    assert asked.status == 200
    trace_id = int(ctx.trace.originating_trace_id, 16)
    wanted = {"commit request-password-reset", "sink mail password-reset-requested"}
    async with asyncio.timeout(WAIT):
        while True:
            found = _in(exporter, trace_id)
            if wanted <= {s.name for s in found}:
                break
            await asyncio.sleep(0.02)
    commit = one(found, "commit request-password-reset")
    mailed = one(found, "sink mail password-reset-requested")
    assert (span_id(commit), SpanKind.CONSUMER) == (parent_id(mailed), mailed.kind)


def _in(exporter: InMemorySpanExporter, trace_id: int) -> list[ReadableSpan]:
    return [
        s
        for s in exporter.get_finished_spans()
        if s.context is not None and s.context.trace_id == trace_id
    ]

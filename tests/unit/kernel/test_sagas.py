"""What a saga's command carries: the cause's context forked, acting as the saga, keyed."""

from datetime import timedelta

from ossature.kernel.context import Grant
from ossature.kernel.sagas import Saga, SagaRecord, Send, Step, sent_context
from ossature.runtime.contexts import internal_context, tenant_service


def _timeout(saga: SagaRecord) -> Step:
    return Step("stuck", saga.data)


SAGA = Saga("names", {}, lambda envelope: envelope.stream_id, _timeout, timedelta(1), "editor")
SEND = Send("undo-1", "undo-project-creation", {"projectId": "p1"}, "f1")


def test_a_command_of_a_saga_is_a_child_of_the_causing_invocation() -> None:
    """A new invocation id whose parent is the cause's; the same trace and client action."""
    cause = internal_context(tenant_service("t1", "root"))
    sent = sent_context(SAGA, "s1", "t1", cause, SEND)
    assert (
        cause.trace.invocation_id,
        cause.trace.originating_trace_id,
        cause.trace.client_action_id,
    ) == (
        sent.trace.parent_invocation_id,
        sent.trace.originating_trace_id,
        sent.trace.client_action_id,
    )
    assert sent.trace.invocation_id != cause.trace.invocation_id


def test_a_command_of_a_saga_acts_as_the_saga_keyed_by_its_step() -> None:
    """The saga's service actor holds its role at the step's folder only; the key is the
    saga's id and the step's name, the same each time the step is sent."""
    cause = internal_context(tenant_service("t1", "root"))
    sent = sent_context(SAGA, "s1", "t1", cause, SEND)
    assert sent.access is not None
    assert ("saga.names", "service", (Grant(role="editor", folder_id="f1"),)) == (
        sent.access.account_id,
        sent.access.kind,
        sent.access.grants,
    )
    assert "saga:s1:undo-1" == sent.trace.external_invocation_id
    again = sent_context(SAGA, "s1", "t1", internal_context(tenant_service("t1", "r")), SEND)
    assert sent.trace.external_invocation_id == again.trace.external_invocation_id


def test_a_saga_runs_as_a_projection_of_the_events_it_reacts_to() -> None:
    """Its checkpoint is named after it; it owns the sagas table and its own."""

    async def react(conn: object, running: object, envelope: object) -> list[object]:
        return []

    saga = Saga("names", {"a": react, "b": react}, str, _timeout, timedelta(1), "x", ("t",))
    projection = saga.projection
    assert ("saga-names", frozenset({"a", "b"}), ("sagas", "t")) == (
        projection.name,
        projection.event_types,
        projection.tables,
    )

"""The invocation context: forking, carrying across processes."""

import msgspec

from ossature.kernel.context import Context, Trace, decode_context, encode_context
from ossature.runtime.contexts import OPERATOR, internal_context


def test_forking_makes_a_child_invocation() -> None:
    """A fork has a new invocation id whose parent is the forked one; the rest is kept."""
    parent = internal_context(OPERATOR)
    child = parent.fork()
    assert parent.trace.invocation_id == child.trace.parent_invocation_id
    assert parent.trace.invocation_id != child.trace.invocation_id
    assert (parent.trace.originating_trace_id, parent.access) == (
        child.trace.originating_trace_id,
        child.access,
    )


def test_a_context_survives_its_header_encoding() -> None:
    """encode_context then decode_context gives back an equal context."""
    ctx = Context(
        access=OPERATOR, trace=internal_context(OPERATOR).trace, toggles={"log.level": "debug"}
    )
    assert ctx == decode_context(encode_context(ctx))


def test_traceparent_carries_the_trace_id() -> None:
    """The W3C traceparent of a trace names its originating trace id."""
    trace = Trace(
        client_action_id="a",
        external_invocation_id="b",
        originating_trace_id="0" * 31 + "1",
        parent_invocation_id=None,
        invocation_id="01KAAAAAAAAAAAAAAAAAAAAAAA",
    )
    version, trace_id, span, flags = trace.traceparent.split("-")
    assert ("00", "0" * 31 + "1", 16, "01") == (version, trace_id, len(span), flags)


def test_log_lines_name_the_operator_of_an_impersonation() -> None:
    """`on_behalf_of` is a log field when set, and absent otherwise."""
    own = internal_context(OPERATOR)
    impersonating = own.acting_as(msgspec.structs.replace(OPERATOR, on_behalf_of="op-1"))

    actual = ("on_behalf_of" in own.log_fields(), impersonating.log_fields().get("on_behalf_of"))

    assert (False, "op-1") == actual

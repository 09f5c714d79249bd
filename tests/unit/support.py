"""What unit tests share: a fixed trace for contexts built by hand, and a user's context."""

from __future__ import annotations

from ossature.kernel.context import Actor, Context, Grant, Trace
from ossature.runtime.contexts import internal_context

TRACE = Trace(
    client_action_id="A",
    external_invocation_id="X",
    originating_trace_id="T",
    parent_invocation_id=None,
    invocation_id="I",
)


def user_context(
    role: str, folder_id: str, tenant: str = "acme", key: str | None = None
) -> Context:
    """A user of `tenant` holding `role` at `folder_id`, invoking with idempotency key `key`."""
    actor = Actor(
        account_id=f"{role}-of-{tenant}",
        kind="user",
        tenant_id=tenant,
        mechanism="internal",
        grants=(Grant(role=role, folder_id=folder_id),),
    )
    return internal_context(actor, key)

"""Contexts for invocations that start inside the system (seeding, schedulers, the CLI)."""

from __future__ import annotations

from ossature.kernel.context import Actor, Context, Grant, Trace
from ossature.kernel.ids import new_id, new_trace_id

__all__ = ["OPERATOR", "internal_context", "new_trace", "tenant_service"]

OPERATOR = Actor(
    account_id="platform-operator",
    kind="service",
    tenant_id="platform",
    mechanism="internal",
    grants=(Grant(role="platform-operator", folder_id="platform"),),
)


def new_trace(
    external_id: str | None = None, client_action_id: str | None = None, trace_id: str | None = None
) -> Trace:
    """A fresh trace: the ids a gateway makes when the client sent none."""
    return Trace(
        client_action_id=client_action_id or new_id(),
        external_invocation_id=external_id or new_id(),
        originating_trace_id=trace_id or new_trace_id(),
        parent_invocation_id=None,
        invocation_id=new_id(),
    )


def internal_context(actor: Actor, external_id: str | None = None) -> Context:
    """A context for an invocation made by the system itself on behalf of `actor`."""
    return Context(access=actor, trace=new_trace(external_id))


def tenant_service(tenant_id: str, root_folder_id: str) -> Actor:
    """A service actor administering one tenant (used to seed it)."""
    return Actor(
        account_id="tenant-seeder",
        kind="service",
        tenant_id=tenant_id,
        mechanism="internal",
        grants=(Grant(role="tenant-admin", folder_id=root_folder_id),),
    )

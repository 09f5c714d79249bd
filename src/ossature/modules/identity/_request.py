"""What a public command knows of the request's tenant before it reads a token."""

from __future__ import annotations

from ossature.kernel.context import Context

__all__ = ["tenant_of_request"]


def tenant_of_request(ctx: Context) -> str | None:
    """The tenant the request is made at, if known: the caller's, when authenticated, else
    the tenant's own entry point (OSSATURE_ROOT_DOMAIN, resolved by the pipeline); a
    one-time token of another tenant is refused there (decision 47)."""
    return ctx.tenant_id or ctx.provenance.entry_tenant_id

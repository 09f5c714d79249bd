"""What a public command knows of the request's tenant, and how it takes a one-time token."""

from __future__ import annotations

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.eventstore import Stream
from ossature.kernel.messages import Event
from ossature.modules.identity._one_time import OneTimeTokens, Purpose, check_use, issued
from ossature.modules.identity.errors import TokenInvalid
from ossature.modules.identity.events import AccountForgotten, TokenUsed
from ossature.modules.tenancy.perimeter import admit_public

__all__ = ["refuse_forgotten", "take_token", "tenant_of_request"]


def tenant_of_request(ctx: Context) -> str | None:
    """The tenant the request is made at, if known: the caller's, when authenticated, else
    the tenant's own entry point (OSSATURE_ROOT_DOMAIN, resolved by the pipeline); a
    one-time token of another tenant is refused there (decision 47)."""
    return ctx.tenant_id or ctx.provenance.entry_tenant_id


async def take_token(ctx: Context, deps: Deps, purpose: Purpose, token: str) -> tuple[str, Event]:
    """Check `token` for `purpose` and stage its `token-used`; the account it serves and the
    event that issued it. In order: the string, its tenant (the request's, the tenant's
    address ranges), its secret, then its stream (unknown, used, expired), so that a token
    of another tenant reads nothing."""
    parts = deps.get(OneTimeTokens).check(purpose, token, tenant_of_request(ctx))
    deps.uow.use_tenant(parts.tenant_id)
    await admit_public(ctx, deps, parts.tenant_id)  # its ranges (decision 54)
    stream = await deps.uow.load(parts.token_id)
    taken = issued(stream, purpose)
    deps.uow.use_tenant(parts.tenant_id, taken.account_id)
    check_use(purpose, taken.issued_at, taken.used, deps.now)
    used = TokenUsed(token_id=parts.token_id, account_id=taken.account_id)
    deps.uow.append(purpose, parts.token_id, taken.version, [used])
    return taken.account_id, stream.events[0]


def refuse_forgotten(account: Stream) -> None:
    """A token issued before its account was forgotten serves it no more (decision 95):
    TokenInvalid, so that nothing is set again for a person who is gone."""
    if any(isinstance(event, AccountForgotten) for event in account.events):
        raise TokenInvalid()

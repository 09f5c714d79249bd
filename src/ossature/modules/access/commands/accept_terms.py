"""accept-terms: the account's user accepts a version of the terms, and so holds
`signed-terms:<version>`, which meets the requirements that ask for it (decision 84).

Only a version some requirement names; only the account's own user, in person: a service
account accepts nothing, and an operator impersonating the account may not accept for it.
Accepting a version already accepted changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Actor, Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.access.errors import AccountOnly, UnknownTermsVersion
from ossature.modules.access.requirements import TERMS, Requirements

__all__ = [
    "AcceptTerms",
    "AcceptTermsAnswer",
    "TermsAccepted",
    "accept_terms",
    "decide_accept",
    "entitlement_stream",
]


class AcceptTerms(Payload, frozen=True):
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class TermsAccepted(Event, frozen=True):
    name = "terms-accepted"

    account_id: str
    terms_version: str  # `version` is the event schema's


class AcceptTermsAnswer(TypedDict):
    version: str
    entitlement: str


def entitlement_stream(account_id: str) -> str:
    """The stream of the entitlements an account gained by its own flows."""
    return f"{account_id}.entitlements"


def decide_accept(
    actor: Actor, version: str, offered: Collection[str], accepted: Collection[str]
) -> list[Event]:
    """Only the account's user in person, only a version some requirement names; once."""
    if actor.kind != "user" or actor.on_behalf_of is not None:
        raise AccountOnly()
    if version not in offered:
        raise UnknownTermsVersion({"version": version, "versions": ", ".join(sorted(offered))})
    if version in accepted:
        return []
    return [TermsAccepted(account_id=actor.account_id, terms_version=version)]


async def accept_terms(ctx: Context, cmd: AcceptTerms, deps: Deps) -> AcceptTermsAnswer:
    assert ctx.access is not None
    stream = await deps.uow.load(entitlement_stream(ctx.access.account_id))
    accepted = {e.terms_version for e in stream.events if isinstance(e, TermsAccepted)}
    offered = deps.get(Requirements).terms_versions
    events = decide_accept(ctx.access, cmd.version, offered, accepted)
    deps.uow.append("entitlements", stream.stream_id, stream.version, events)
    return {"version": cmd.version, "entitlement": TERMS + cmd.version}

"""What the caller may do in their tenant, as data for a client to grey out the rest
(decision 85): the plan, the product modules, the features, and the requirements the caller
has yet to meet with the ways to meet them. Clients hold no list of their own."""

from __future__ import annotations

from typing import Any, TypedDict

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.kernel.module import FeatureValue
from ossature.modules.access.entitlements import entitlements_of, held_to_requirements
from ossature.modules.access.requirements import Requirement, Requirements, terms_version
from ossature.modules.tenancy.subscription import Subscription, Subscriptions

__all__ = [
    "CapabilitiesAnswer",
    "EntitlementView",
    "MyCapabilities",
    "MyEntitlements",
    "MyEntitlementsAnswer",
    "UnmetView",
    "in_reach",
    "my_capabilities",
    "my_entitlements",
]


class MyCapabilities(Payload, frozen=True):
    pass


class UnmetView(TypedDict):
    id: str
    scopes: list[str]
    satisfiedBy: list[str]
    flow: str | None
    version: str | None  # the terms' version, when accept-terms meets it


class CapabilitiesAnswer(TypedDict):
    plan: str
    modules: dict[str, bool]
    features: dict[str, FeatureValue]
    unmet: list[UnmetView]


class MyEntitlements(Payload, frozen=True):
    pass


class EntitlementView(TypedDict):
    id: str
    gainedAt: str


class MyEntitlementsAnswer(TypedDict):
    entitlements: list[EntitlementView]


async def my_capabilities(ctx: Context, query: MyCapabilities, deps: Deps) -> CapabilitiesAnswer:
    """The caller's tenant's plan, modules and features, and the requirements that apply to
    the caller there and that they have not met (each with the scopes the tenant has)."""
    assert ctx.access is not None
    subscriptions = deps.get(Subscriptions)
    subscription = await subscriptions.of(ctx.access.tenant_id, deps.db)
    held = await _held(ctx, deps)
    every = deps.get(Requirements).all
    return {
        "plan": subscription.plan.name,
        "modules": {m: m in subscription.modules for m in sorted(subscriptions.products)},
        "features": dict(subscription.features),
        "unmet": [] if held is None else _unmet(every, subscription, held),
    }


async def my_entitlements(ctx: Context, query: MyEntitlements, deps: Deps) -> MyEntitlementsAnswer:
    """The entitlements the caller's account holds, and when it gained each."""
    assert ctx.access is not None
    async with deps.db.transaction(ctx.access.tenant_id, readonly=True) as conn:
        held = await entitlements_of(conn, ctx.access.account_id)
    return {"entitlements": [{"id": e, "gainedAt": at.isoformat()} for e, at in held.items()]}


async def _held(ctx: Context, deps: Deps) -> dict[str, Any] | None:
    """The caller's entitlements; None for an actor requirements do not bind."""
    if not held_to_requirements(ctx.access):
        return None
    assert ctx.access is not None
    async with deps.db.transaction(ctx.access.tenant_id, readonly=True) as conn:
        return await entitlements_of(conn, ctx.access.account_id)


def _unmet(
    every: tuple[Requirement, ...], subscription: Subscription, held: dict[str, Any]
) -> list[UnmetView]:
    country = subscription.country
    views: list[UnmetView] = []
    for requirement in every:
        scopes = [s for s in requirement.scopes if in_reach(s, subscription)]
        if scopes and requirement.applies_in(country) and not requirement.met(held, country):
            alternatives = requirement.alternatives(country)
            versions = filter(None, map(terms_version, alternatives))
            views.append(
                {
                    "id": requirement.id,
                    "scopes": scopes,
                    "satisfiedBy": list(alternatives),
                    "flow": requirement.flow(country),
                    "version": next(versions, None),
                }
            )
    return views


def in_reach(scope: str, subscription: Subscription) -> bool:
    """Whether the tenant has what `scope` names: a product module at all (platform), the
    module, or the feature on."""
    kind, _, name = scope.partition(":")
    if kind == "module":
        return name in subscription.modules
    if kind == "feature":
        return bool(subscription.features.get(name))
    return bool(subscription.modules)

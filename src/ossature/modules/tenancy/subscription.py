"""What a tenant subscribes to (decisions 70, 71): its plan, its product modules, its features.

A tenant has a product module when its plan includes it or an operator enabled it, and not
when an operator disabled it; each declared feature is its default, overridden by the plan,
overridden by the value an operator set for the tenant. The platform's modules are always on.

Each process remembers each tenant's subscription for at most `FRESH_FOR` seconds, so the
gate costs a dictionary lookup per invocation and one read per interval; a change made at
another gateway holds here within that bound (at once in the process that made it: the
commands that change a subscription call `forget`).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ossature.kernel.database import Database
from ossature.kernel.module import Feature, FeatureValue, Module
from ossature.modules.tenancy.catalog import Plan, catalog
from ossature.modules.tenancy.errors import FeatureDisabled, ModuleDisabled

__all__ = ["FRESH_FOR", "Subscription", "Subscriptions", "effective_features", "effective_modules"]

FRESH_FOR = 2.0  # seconds a process trusts the subscription it read


@dataclass(frozen=True)
class Subscription:
    """A tenant's plan, its effective product modules and every declared feature's value."""

    plan: Plan
    modules: frozenset[str]
    features: Mapping[str, FeatureValue]
    country: str | None


def effective_modules(
    plan: Plan, enabled: Collection[str], disabled: Collection[str], products: Collection[str]
) -> frozenset[str]:
    """The product modules a tenant has: its plan's and the enabled ones, less the disabled."""
    return frozenset((set(plan.modules) | set(enabled)) - set(disabled)) & frozenset(products)


def effective_features(
    declared: Sequence[Feature], plan: Plan, own: Mapping[str, Any]
) -> dict[str, FeatureValue]:
    """Each declared feature's value: the default, then the plan's, then the tenant's own
    (a value of another type than the default's, left by an older declaration, is ignored)."""
    values: dict[str, FeatureValue] = {}
    for feature in declared:
        value = feature.default
        for layer in (plan.features, own):
            if feature.name in layer and type(layer[feature.name]) is type(feature.default):
                value = layer[feature.name]
        values[feature.name] = value
    return values


@dataclass
class Subscriptions:
    """Each tenant's subscription, read at most every FRESH_FOR seconds per process.

    `modules`: the application's table, whose product modules and features it resolves.
    """

    db: Database
    modules: Sequence[Module] = ()
    fresh_for: float = FRESH_FOR
    _known: dict[str, tuple[float, Subscription]] = field(default_factory=dict)
    _changed: dict[str, float] = field(default_factory=dict)  # forgotten when

    @property
    def products(self) -> frozenset[str]:
        """The names of the product modules (those a tenant may have or not)."""
        return frozenset(m.name for m in self.modules if m.product)

    @property
    def features(self) -> dict[str, Feature]:
        """Every declared feature by name."""
        return {f.name: f for m in self.modules for f in m.features}

    async def of(self, tenant_id: str, within: Database | None = None) -> Subscription:
        """The tenant's subscription (a tenant with no plan set is on the catalog's default).

        `within`: an invocation's database, when the invocation may already hold its
        connection: the read then goes through its transaction once begun
        (`Database.reading`). Read through the pool instead, it would wait for a second
        connection, and once every connection is held by an invocation waiting so, none
        would ever come back."""
        known = self._known.get(tenant_id)
        if known is not None and time.monotonic() - known[0] < self.fresh_for:
            return known[1]
        subscription = await self._read(tenant_id, within or self.db)
        if len(self._known) > 100_000:  # bounded: forget all rather than grow without end
            self._known.clear()
        if not self._changing(tenant_id):
            self._known[tenant_id] = (time.monotonic(), subscription)
        return subscription

    async def admit(self, tenant_id: str, module: Module, feature: str | None) -> None:
        """ModuleDisabled when `module` is a product module the tenant does not have;
        FeatureDisabled when `feature` (a bool) is not on for it. A platform module's
        invocation that names no feature is admitted without a lookup."""
        if not module.product and feature is None:
            return
        subscription = await self.of(tenant_id)
        if module.product and module.name not in subscription.modules:
            raise ModuleDisabled({"module": module.name})
        if feature is not None and subscription.features.get(feature) is not True:
            raise FeatureDisabled({"feature": feature})

    def forget(self, tenant_id: str) -> None:
        """Read the tenant's subscription again at its next use (it changed here). Forgotten
        before the change commits, so reads within FRESH_FOR after it are not remembered: one
        made before the commit would keep the old subscription."""
        self._known.pop(tenant_id, None)
        if len(self._changed) > 10_000:
            self._changed.clear()
        self._changed[tenant_id] = time.monotonic()

    def _changing(self, tenant_id: str) -> bool:
        changed = self._changed.get(tenant_id)
        if changed is None:
            return False
        if time.monotonic() - changed < self.fresh_for:
            return True
        del self._changed[tenant_id]
        return False

    def resolve(
        self,
        plan: str | None,
        enabled: Collection[str] | None = None,
        disabled: Collection[str] | None = None,
        own: Mapping[str, Any] | None = None,
        country: str | None = None,
    ) -> Subscription:
        """The subscription of a `tenant_subscriptions` row's values (`plan` None or no longer
        in the catalog: the default plan)."""
        plans = catalog()
        chosen = plans.plan(plan or plans.default) or plans.plans[plans.default]
        return Subscription(
            plan=chosen,
            modules=effective_modules(chosen, enabled or (), disabled or (), self.products),
            features=effective_features([*self.features.values()], chosen, own or {}),
            country=country,
        )

    async def _read(self, tenant_id: str, db: Database) -> Subscription:
        async with db.reading(tenant_id) as conn:
            row = await conn.fetchrow(
                "select t.country, s.plan, s.enabled, s.disabled, s.features"
                " from tenants t left join tenant_subscriptions s using (tenant_id)"
                " where t.tenant_id = $1",
                tenant_id,
            )
        if row is None:
            return self.resolve(None)
        return self.resolve(
            row["plan"], row["enabled"], row["disabled"], row["features"], row["country"]
        )

"""set-tenant-feature: a platform operator sets one feature's value for a tenant, over its
plan's and the feature's default (decision 71). The value must be of the declared type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.kernel.module import Feature, FeatureValue
from ossature.modules.tenancy.commands.enable_module import SubscriptionAnswer
from ossature.modules.tenancy.commands.set_tenant_plan import TenantId, append_to_plan
from ossature.modules.tenancy.errors import InvalidFeatureValue, UnknownFeature
from ossature.modules.tenancy.subscription import Subscriptions

__all__ = ["SetTenantFeature", "TenantFeatureSet", "decide_feature", "set_tenant_feature"]

FeatureName = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Value = bool | int | Annotated[str, msgspec.Meta(max_length=256)]


class SetTenantFeature(Payload, frozen=True):
    tenant_id: TenantId
    feature: FeatureName
    value: Value


class TenantFeatureSet(Event, frozen=True):
    name = "tenant-feature-set"

    feature: str
    value: FeatureValue


def decide_feature(
    declared: Mapping[str, Feature], feature: str, value: FeatureValue
) -> TenantFeatureSet:
    """The event setting `feature` to `value`; UnknownFeature when no module declares it,
    InvalidFeatureValue when `value` is not of its default's type (True is no int here)."""
    found = declared.get(feature)
    if found is None:
        raise UnknownFeature({"feature": feature})
    if type(value) is not type(found.default):
        raise InvalidFeatureValue({"feature": feature, "type": type(found.default).__name__})
    return TenantFeatureSet(feature=feature, value=value)


async def set_tenant_feature(ctx: Context, cmd: SetTenantFeature, deps: Deps) -> SubscriptionAnswer:
    event = decide_feature(deps.get(Subscriptions).features, cmd.feature, cmd.value)
    version = await append_to_plan(deps, cmd.tenant_id, event)
    return {"tenantId": cmd.tenant_id, "version": version}

"""enable-module: a platform operator gives a tenant a product module its plan does not
include, or takes back an earlier disable-module (decision 71).

Appended to the tenant's plan stream, in the tenant: it holds from the commit on (at once in
this process, within `subscription.FRESH_FOR` in the others).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.tenancy.commands.set_tenant_plan import TenantId, append_to_plan
from ossature.modules.tenancy.errors import UnknownModule
from ossature.modules.tenancy.subscription import Subscriptions

__all__ = [
    "EnableModule",
    "ModuleEnabled",
    "ModuleName",
    "SubscriptionAnswer",
    "enable_module",
    "product_module",
]

ModuleName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class EnableModule(Payload, frozen=True):
    tenant_id: TenantId
    module: ModuleName


class ModuleEnabled(Event, frozen=True):
    name = "module-enabled"

    module: str


class SubscriptionAnswer(TypedDict):
    tenantId: str
    version: int


def product_module(module: str, products: Collection[str]) -> str:
    """`module`, when it is a product module; UnknownModule naming the product modules."""
    if module not in products:
        raise UnknownModule({"module": module, "modules": ", ".join(sorted(products))})
    return module


async def enable_module(ctx: Context, cmd: EnableModule, deps: Deps) -> SubscriptionAnswer:
    subscriptions = deps.get(Subscriptions)
    module = product_module(cmd.module, subscriptions.products)
    version = await append_to_plan(deps, cmd.tenant_id, ModuleEnabled(module=module))
    return {"tenantId": cmd.tenant_id, "version": version}

"""disable-module: a platform operator takes a product module from a tenant, even one its
plan includes, until enable-module gives it back (decision 71). Its commands and queries are
then refused 403 `tenancy.module-disabled`; its data stays.
"""

from __future__ import annotations

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.modules.tenancy.commands.enable_module import (
    ModuleName,
    SubscriptionAnswer,
    product_module,
)
from ossature.modules.tenancy.commands.set_tenant_plan import TenantId, append_to_plan
from ossature.modules.tenancy.subscription import Subscriptions

__all__ = ["DisableModule", "ModuleDisabled", "disable_module"]


class DisableModule(Payload, frozen=True):
    tenant_id: TenantId
    module: ModuleName


class ModuleDisabled(Event, frozen=True):
    name = "module-disabled"

    module: str


async def disable_module(ctx: Context, cmd: DisableModule, deps: Deps) -> SubscriptionAnswer:
    module = product_module(cmd.module, deps.get(Subscriptions).products)
    version = await append_to_plan(deps, cmd.tenant_id, ModuleDisabled(module=module))
    return {"tenantId": cmd.tenant_id, "version": version}

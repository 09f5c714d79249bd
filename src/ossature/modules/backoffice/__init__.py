"""Back-office: what the platform's operators see of every customer tenant (decision 73).

This table is the module: queries only, each reading past row-level security through one
function of its own (`migrations/live/`), since an operator's transaction is confined to the
platform's tenant. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.module import AnyScope, Module, QuerySpec
from ossature.modules.backoffice.queries import GetTenant, ListTenants, get_tenant, list_tenants
from ossature.modules.backoffice.sagas import ListSagas, list_sagas

__all__ = ["MODULE"]

MODULE = Module(
    name="backoffice",
    queries=[
        QuerySpec("list-tenants", ListTenants, list_tenants, AnyScope("platform.tenants.read")),
        QuerySpec("get-tenant", GetTenant, get_tenant, AnyScope("platform.tenants.read")),
        QuerySpec("list-sagas", ListSagas, list_sagas, AnyScope("platform.tenants.read")),
    ],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)

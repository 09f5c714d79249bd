"""Tenancy: tenants and their trees of nested folders.

This table is the module: its commands (one file each under `commands/`), query, event
types and projection. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import Anyone, AnyScope, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.tenancy import queries
from ossature.modules.tenancy.commands import (
    create_folder,
    create_tenant,
    disable_module,
    enable_module,
    rotate_tenant_key,
    set_tenant_feature,
    set_tenant_plan,
    set_tenant_security_policy,
)
from ossature.modules.tenancy.events import FolderCreated
from ossature.modules.tenancy.projections import DIRECTORY, SECURITY, SUBSCRIPTIONS

__all__ = ["MODULE"]

EVENTS: list[type[Event]] = [
    create_tenant.TenantCreated,
    FolderCreated,
    set_tenant_security_policy.TenantSecurityPolicySet,
    set_tenant_plan.TenantPlanSet,
    enable_module.ModuleEnabled,
    disable_module.ModuleDisabled,
    set_tenant_feature.TenantFeatureSet,
    rotate_tenant_key.TenantKeyRotated,
]

MODULE = Module(
    name="tenancy",
    commands=[
        CommandSpec(
            "create-tenant",
            create_tenant.CreateTenant,
            create_tenant.create_tenant,
            AnyScope("platform.tenants.create"),
        ),
        CommandSpec(
            "create-folder",
            create_folder.CreateFolder,
            create_folder.create_folder,
            AtFolder("folders.create", create_folder.parent_of),
        ),
        CommandSpec(
            "set-tenant-security-policy",
            set_tenant_security_policy.SetTenantSecurityPolicy,
            set_tenant_security_policy.set_tenant_security_policy,
            AtFolder("tenants.configure-security", set_tenant_security_policy.root_of_tenant),
        ),
        CommandSpec(
            "set-tenant-plan",
            set_tenant_plan.SetTenantPlan,
            set_tenant_plan.set_tenant_plan,
            AnyScope("platform.tenants.manage"),
        ),
        CommandSpec(
            "enable-module",
            enable_module.EnableModule,
            enable_module.enable_module,
            AnyScope("platform.tenants.manage"),
        ),
        CommandSpec(
            "disable-module",
            disable_module.DisableModule,
            disable_module.disable_module,
            AnyScope("platform.tenants.manage"),
        ),
        CommandSpec(
            "set-tenant-feature",
            set_tenant_feature.SetTenantFeature,
            set_tenant_feature.set_tenant_feature,
            AnyScope("platform.tenants.manage"),
        ),
        CommandSpec(
            "rotate-tenant-key",
            rotate_tenant_key.RotateTenantKey,
            rotate_tenant_key.rotate_tenant_key,
            AnyScope("platform.tenants.manage"),
        ),
    ],
    queries=[
        QuerySpec("list-folders", queries.ListFolders, queries.list_folders, Anyone()),
        QuerySpec(
            "get-tenant-security-policy",
            queries.GetTenantSecurityPolicy,
            queries.get_tenant_security_policy,
            AtFolder("tenants.read-security", queries.root_of_tenant),
        ),
    ],
    events=EVENTS,
    projections=[DIRECTORY, SECURITY, SUBSCRIPTIONS],
    root=Path(__file__).parent,
    product=False,  # the platform's own: always on, never metered
)

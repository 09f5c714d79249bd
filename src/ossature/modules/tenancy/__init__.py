"""Tenancy: tenants and their trees of nested folders.

This table is the module: its commands (one file each under `commands/`), query, event
types and projection. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.messages import Event
from ossature.kernel.module import Anyone, AnyScope, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.tenancy.commands import create_folder, create_tenant
from ossature.modules.tenancy.events import FolderCreated
from ossature.modules.tenancy.projections import DIRECTORY
from ossature.modules.tenancy.queries import ListFolders, list_folders

__all__ = ["MODULE"]

EVENTS: list[type[Event]] = [create_tenant.TenantCreated, FolderCreated]

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
    ],
    queries=[QuerySpec("list-folders", ListFolders, list_folders, Anyone())],
    events=EVENTS,
    projections=[DIRECTORY],
    root=Path(__file__).parent,
)

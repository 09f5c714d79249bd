"""Tenancy: tenants and their trees of nested folders."""

from pathlib import Path

from ossature.kernel.module import Anyone, AnyScope, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.tenancy.commands import (
    CreateFolder,
    CreateTenant,
    create_folder,
    create_tenant,
    parent_of,
)
from ossature.modules.tenancy.events import FolderCreated, TenantCreated
from ossature.modules.tenancy.projections import DIRECTORY
from ossature.modules.tenancy.queries import ListFolders, list_folders

__all__ = ["MODULE"]

MODULE = Module(
    name="tenancy",
    commands=[
        CommandSpec(
            "create-tenant", CreateTenant, create_tenant, AnyScope("platform.tenants.create")
        ),
        CommandSpec(
            "create-folder", CreateFolder, create_folder, AtFolder("folders.create", parent_of)
        ),
    ],
    queries=[QuerySpec("list-folders", ListFolders, list_folders, Anyone())],
    events=[TenantCreated, FolderCreated],
    projections=[DIRECTORY],
    root=Path(__file__).parent,
)

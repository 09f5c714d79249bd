"""Events of the tenancy module."""

from ossature.kernel.messages import Event

__all__ = ["FolderCreated", "TenantCreated"]


class TenantCreated(Event, frozen=True):
    name = "tenant-created"

    tenant_id: str
    slug: str
    display_name: str
    root_folder_id: str


class FolderCreated(Event, frozen=True):
    name = "folder-created"

    folder_id: str
    parent_id: str | None
    folder_name: str

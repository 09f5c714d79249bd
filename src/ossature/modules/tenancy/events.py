"""The tenancy event that more than one command appends.

`folder-created` is appended by `create-folder` and, for the root folder, by
`create-tenant`: it belongs to neither command's file. An event that one command
alone appends lives in that command's file.
"""

from ossature.kernel.messages import Event

__all__ = ["FolderCreated"]


class FolderCreated(Event, frozen=True):
    name = "folder-created"

    folder_id: str
    parent_id: str | None
    folder_name: str

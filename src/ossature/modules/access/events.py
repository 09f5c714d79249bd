"""Events of the access module."""

from ossature.kernel.messages import Event

__all__ = ["RoleAssigned"]


class RoleAssigned(Event, frozen=True):
    name = "role-assigned"

    account_id: str
    role: str
    folder_id: str

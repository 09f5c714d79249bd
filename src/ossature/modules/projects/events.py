"""Events of the projects module."""

from ossature.kernel.messages import Event

__all__ = ["ProjectArchived", "ProjectCreated", "ProjectRenamed"]


class ProjectCreated(Event, frozen=True):
    name = "project-created"

    project_id: str
    folder_id: str
    project_name: str


class ProjectRenamed(Event, frozen=True):
    name = "project-renamed"

    project_id: str
    project_name: str
    previous_name: str


class ProjectArchived(Event, frozen=True):
    name = "project-archived"

    project_id: str

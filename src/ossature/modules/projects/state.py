"""A project's state, folded from its events. Pure: no I/O, no clock, no ids.

Each event type of a project's stream says, beside its command, how it changes the
project (`evolve`); `replay` folds a stream's events in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.messages import Event, UnknownEvent, fold

__all__ = [
    "Project",
    "ProjectDetails",
    "ProjectEvent",
    "ProjectId",
    "ProjectName",
    "ProjectVersion",
    "ProjectView",
    "replay",
]

ProjectId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
ProjectName = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]


class ProjectView(TypedDict):
    """A project as queries answer it."""

    projectId: str
    name: str
    folderId: str
    version: int
    archived: bool


class ProjectDetails(ProjectView):
    """One project as `get-project` answers it: its view and its description."""

    description: str


class ProjectVersion(TypedDict):
    """What a command that changes a project answers: the version it left."""

    projectId: str
    version: int


@dataclass(frozen=True)
class Project:
    """A project as its stream tells it; version 0 when the stream does not exist."""

    project_id: str = ""
    folder_id: str = ""
    name: str = ""
    archived: bool = False
    version: int = 0
    description: str = ""

    def as_json(self) -> ProjectView:
        return {
            "projectId": self.project_id,
            "name": self.name,
            "folderId": self.folder_id,
            "version": self.version,
            "archived": self.archived,
        }

    def details(self) -> ProjectDetails:
        return {**self.as_json(), "description": self.description}


class ProjectEvent(Event, frozen=True):
    """An event of a project's stream. Each type defines `evolve`; one that does not is
    unknown to a project, and folding it raises."""

    def evolve(self, project: Project) -> Project:
        """The project after this event."""
        raise UnknownEvent(self.name, "a project's state")


def replay(events: Iterable[Event], version: int) -> Project:
    """The project after every event of its stream, up to `version`."""
    return replace(fold(Project(), events, ProjectEvent), version=version)

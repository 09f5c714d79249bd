"""rename-project: a new name, the old one kept in the history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope, Event, Payload
from ossature.kernel.notice import Notice
from ossature.modules.projects import errors
from ossature.modules.projects.notices import the_project
from ossature.modules.projects.repository import load_project
from ossature.modules.projects.state import (
    Project,
    ProjectEvent,
    ProjectId,
    ProjectName,
    ProjectVersion,
)

__all__ = ["NOTICE", "ProjectRenamed", "RenameProject", "decide_rename", "rename_project"]


class RenameProject(Payload, frozen=True):
    project_id: ProjectId
    name: ProjectName
    expected_version: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


def _from_v1(payload: dict[str, Any]) -> dict[str, Any]:
    """Version 1 called the new name `projectName`, like project-created's first name."""
    upcast = {key: value for key, value in payload.items() if key != "projectName"}
    return upcast | {"newName": payload["projectName"]}


class ProjectRenamed(ProjectEvent, frozen=True):
    name = "project-renamed"
    version = 2
    upcasters = {1: _from_v1}

    project_id: str
    new_name: str
    previous_name: str

    def evolve(self, project: Project) -> Project:
        return replace(project, name=self.new_name)


def decide_rename(project: Project, cmd: RenameProject) -> list[Event]:
    """Renaming keeps history: refused when archived or when the client saw another version."""
    if project.archived:
        raise errors.ProjectIsArchived({"projectId": project.project_id})
    if cmd.expected_version is not None and cmd.expected_version != project.version:
        raise errors.StaleProjectVersion(
            {"expected": cmd.expected_version, "actual": project.version}
        )
    if cmd.name == project.name:
        return []
    return [
        ProjectRenamed(project_id=project.project_id, new_name=cmd.name, previous_name=project.name)
    ]


async def rename_project(ctx: Context, cmd: RenameProject, deps: Deps) -> ProjectVersion:
    project = await load_project(deps, cmd.project_id)
    events = decide_rename(project, cmd)
    deps.uow.append("project", project.project_id, project.version, events)
    return {"projectId": project.project_id, "version": project.version + len(events)}


async def _named(envelope: Envelope, deps: Deps) -> Mapping[str, Any]:
    """The notice's parameters: the new name is `projectName`, as in every project notice
    (pushed messages keep their shape when an event's field is renamed)."""
    payload = envelope.payload
    return {
        "projectId": payload["projectId"],
        "projectName": payload["newName"],
        "previousName": payload["previousName"],
    }


NOTICE = Notice(
    ProjectRenamed.name, "notifications.project-renamed", "get-project", the_project, _named
)

"""create-project: a new project in a folder."""

from __future__ import annotations

from typing import Annotated, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Payload
from ossature.kernel.notice import Notice
from ossature.modules.projects.notices import the_project
from ossature.modules.projects.state import Project, ProjectEvent, ProjectId, ProjectName

__all__ = [
    "NOTICE",
    "CreateProject",
    "CreateProjectAnswer",
    "ProjectCreated",
    "create_project",
    "folder_of_new",
]


class CreateProject(Payload, frozen=True):
    folder_id: ProjectId
    name: ProjectName
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ProjectCreated(ProjectEvent, frozen=True):
    name = "project-created"

    project_id: str
    folder_id: str
    project_name: str
    # Added after version 1 with a default: events stored without it still decode (decision 97).
    description: str = ""

    def evolve(self, project: Project) -> Project:
        return Project(
            self.project_id, self.folder_id, self.project_name, description=self.description
        )


class CreateProjectAnswer(TypedDict):
    projectId: str


async def create_project(ctx: Context, cmd: CreateProject, deps: Deps) -> CreateProjectAnswer:
    project_id = new_id()
    event = ProjectCreated(
        project_id=project_id,
        folder_id=cmd.folder_id,
        project_name=cmd.name,
        description=cmd.description,
    )
    deps.uow.append("project", project_id, 0, [event])
    deps.log.debug("projects.created", project_id=project_id)
    return {"projectId": project_id}


async def folder_of_new(ctx: Context, cmd: CreateProject, deps: Deps) -> str:
    """A new project's folder: the scope of its authorization."""
    return cmd.folder_id


NOTICE = Notice(ProjectCreated.name, "notifications.project-created", "get-project", the_project)

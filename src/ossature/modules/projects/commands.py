"""Commands of the projects module: one handler each, business rules in pure `decide_*`."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.ids import new_id
from ossature.kernel.messages import Event, Payload
from ossature.modules.projects import errors
from ossature.modules.projects.events import ProjectArchived, ProjectCreated, ProjectRenamed
from ossature.modules.projects.state import Project, replay

__all__ = [
    "ArchiveProject",
    "CreateProject",
    "RenameProject",
    "archive_project",
    "create_project",
    "decide_archive",
    "decide_rename",
    "load_project",
    "rename_project",
]

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class CreateProject(Payload, frozen=True):
    folder_id: Id
    name: Name


class RenameProject(Payload, frozen=True):
    project_id: Id
    name: Name
    expected_version: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


class ArchiveProject(Payload, frozen=True):
    project_id: Id


def decide_rename(project: Project, cmd: RenameProject) -> list[Event]:
    """Renaming keeps history: refused when archived or when the client saw another version."""
    if project.archived:
        raise errors.ProjectArchived({"projectId": project.project_id})
    if cmd.expected_version is not None and cmd.expected_version != project.version:
        raise errors.StaleProjectVersion(
            {"expected": cmd.expected_version, "actual": project.version}
        )
    if cmd.name == project.name:
        return []
    return [
        ProjectRenamed(
            project_id=project.project_id, project_name=cmd.name, previous_name=project.name
        )
    ]


def decide_archive(project: Project) -> list[Event]:
    """Archiving twice changes nothing."""
    return [] if project.archived else [ProjectArchived(project_id=project.project_id)]


async def load_project(deps: Deps, project_id: str) -> Project:
    """The project's current state from its stream, or ProjectNotFound (also for other tenants)."""
    project = replay((await deps.uow.load(project_id)).envelopes)
    if project is None:
        raise errors.ProjectNotFound({"projectId": project_id})
    return project


async def create_project(ctx: Context, cmd: CreateProject, deps: Deps) -> dict[str, Any]:
    project_id = new_id()
    event = ProjectCreated(project_id=project_id, folder_id=cmd.folder_id, project_name=cmd.name)
    deps.uow.append("project", project_id, 0, [event])
    deps.log.debug("projects.created", project_id=project_id)
    return {"projectId": project_id}


async def rename_project(ctx: Context, cmd: RenameProject, deps: Deps) -> dict[str, Any]:
    project = await load_project(deps, cmd.project_id)
    events = decide_rename(project, cmd)
    deps.uow.append("project", project.project_id, project.version, events)
    return {"projectId": project.project_id, "version": project.version + len(events)}


async def archive_project(ctx: Context, cmd: ArchiveProject, deps: Deps) -> dict[str, Any]:
    project = await load_project(deps, cmd.project_id)
    events = decide_archive(project)
    deps.uow.append("project", project.project_id, project.version, events)
    return {"projectId": project.project_id, "version": project.version + len(events)}


async def folder_of_new(ctx: Context, cmd: CreateProject, deps: Deps) -> str:
    """A new project's folder: the scope of its authorization."""
    return cmd.folder_id


async def folder_of_existing(ctx: Context, cmd: Any, deps: Deps) -> str:
    """An existing project's folder, read from its stream."""
    return (await load_project(deps, cmd.project_id)).folder_id

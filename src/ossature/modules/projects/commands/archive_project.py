"""archive-project: an archived project no longer changes (until it is unarchived)."""

from __future__ import annotations

from dataclasses import replace

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.kernel.notice import Notice
from ossature.modules.projects.notices import name_at_the_time, the_project
from ossature.modules.projects.repository import load_project
from ossature.modules.projects.state import Project, ProjectEvent, ProjectId, ProjectVersion

__all__ = ["NOTICE", "ArchiveProject", "ProjectArchived", "archive_project", "decide_archive"]


class ArchiveProject(Payload, frozen=True):
    project_id: ProjectId


class ProjectArchived(ProjectEvent, frozen=True):
    name = "project-archived"

    project_id: str

    def evolve(self, project: Project) -> Project:
        return replace(project, archived=True)


def decide_archive(project: Project) -> list[Event]:
    """Archiving twice changes nothing."""
    return [] if project.archived else [ProjectArchived(project_id=project.project_id)]


async def archive_project(ctx: Context, cmd: ArchiveProject, deps: Deps) -> ProjectVersion:
    project = await load_project(deps, cmd.project_id)
    events = decide_archive(project)
    deps.uow.append("project", project.project_id, project.version, events)
    return {"projectId": project.project_id, "version": project.version + len(events)}


NOTICE = Notice(
    ProjectArchived.name,
    "notifications.project-archived",
    "get-project",
    the_project,
    name_at_the_time,
)

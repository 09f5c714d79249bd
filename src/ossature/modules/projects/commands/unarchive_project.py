"""unarchive-project: an archived project is back, and may change again.

Whoever may archive a project may bring it back: the command needs `projects.archive`.
"""

from __future__ import annotations

from dataclasses import replace

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Event, Payload
from ossature.kernel.notice import Notice
from ossature.modules.projects.notices import name_at_the_time, the_project
from ossature.modules.projects.repository import load_project
from ossature.modules.projects.state import Project, ProjectEvent, ProjectId, ProjectVersion

__all__ = [
    "NOTICE",
    "ProjectUnarchived",
    "UnarchiveProject",
    "decide_unarchive",
    "unarchive_project",
]


class UnarchiveProject(Payload, frozen=True):
    project_id: ProjectId


class ProjectUnarchived(ProjectEvent, frozen=True):
    name = "project-unarchived"

    project_id: str

    def evolve(self, project: Project) -> Project:
        return replace(project, archived=False)


def decide_unarchive(project: Project) -> list[Event]:
    """Unarchiving a project that is not archived changes nothing."""
    return [ProjectUnarchived(project_id=project.project_id)] if project.archived else []


async def unarchive_project(ctx: Context, cmd: UnarchiveProject, deps: Deps) -> ProjectVersion:
    project = await load_project(deps, cmd.project_id)
    events = decide_unarchive(project)
    deps.uow.append("project", project.project_id, project.version, events)
    return {"projectId": project.project_id, "version": project.version + len(events)}


NOTICE = Notice(
    ProjectUnarchived.name,
    "notifications.project-unarchived",
    "get-project",
    the_project,
    name_at_the_time,
)

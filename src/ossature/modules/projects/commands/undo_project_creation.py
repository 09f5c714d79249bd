"""undo-project-creation: the compensation of a project whose name was taken in its folder
first (the saga `project-names`, decision 108). The project is archived, out of the
catalog's current projects, and its author is told why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope, Event, Payload
from ossature.kernel.notice import Notice
from ossature.modules.projects import errors
from ossature.modules.projects.naming import name_key
from ossature.modules.projects.notices import the_project
from ossature.modules.projects.state import (
    Project,
    ProjectEvent,
    ProjectId,
    ProjectName,
    ProjectVersion,
    replay,
)

__all__ = [
    "NOTICE",
    "ProjectCreationUndone",
    "UndoProjectCreation",
    "decide_undo_creation",
    "undo_project_creation",
]


class UndoProjectCreation(Payload, frozen=True):
    project_id: ProjectId
    refused_name: ProjectName


class ProjectCreationUndone(ProjectEvent, frozen=True):
    name = "project-creation-undone"

    project_id: str
    refused_name: str
    author_id: str  # who created it: told in-app

    def evolve(self, project: Project) -> Project:
        return replace(project, archived=True)


def decide_undo_creation(project: Project, refused_name: str, author_id: str) -> list[Event]:
    """Nothing to undo once archived, or once renamed away from the refused name."""
    if project.archived or name_key(project.name) != name_key(refused_name):
        return []
    return [
        ProjectCreationUndone(
            project_id=project.project_id, refused_name=refused_name, author_id=author_id
        )
    ]


async def undo_project_creation(
    ctx: Context, cmd: UndoProjectCreation, deps: Deps
) -> ProjectVersion:
    stream = await deps.uow.load(cmd.project_id)
    if not stream.envelopes:
        raise errors.ProjectNotFound({"projectId": cmd.project_id})
    project = replay(stream.events, stream.version)
    created = stream.envelopes[0].context.access
    events = decide_undo_creation(project, cmd.refused_name, created.account_id if created else "")
    deps.uow.append("project", project.project_id, project.version, events)
    return {"projectId": project.project_id, "version": project.version + len(events)}


def the_author(envelope: Envelope) -> list[str]:
    """Who is told: the author of what was undone, alone."""
    return [str(envelope.payload["authorId"])]


async def _named(envelope: Envelope, deps: Deps) -> Mapping[str, Any]:
    return {"projectId": envelope.stream_id, "projectName": envelope.payload["refusedName"]}


NOTICE = Notice(
    ProjectCreationUndone.name,
    "notifications.project-creation-undone",
    "get-project",
    the_project,
    _named,
    to=the_author,
)

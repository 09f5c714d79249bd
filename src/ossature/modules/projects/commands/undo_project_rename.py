"""undo-project-rename: the compensation of a rename to a name taken in the folder first
(the saga `project-names`, decision 108). The project's name is restored to the one it
keeps, and the rename's author is told why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Envelope, Event, Payload
from ossature.kernel.notice import Notice
from ossature.modules.projects import errors
from ossature.modules.projects.commands.rename_project import ProjectRenamed
from ossature.modules.projects.commands.undo_project_creation import the_author
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
    "ProjectRenameUndone",
    "UndoProjectRename",
    "decide_undo_rename",
    "undo_project_rename",
]


class UndoProjectRename(Payload, frozen=True):
    project_id: ProjectId
    refused_name: ProjectName
    restored_name: ProjectName


class ProjectRenameUndone(ProjectEvent, frozen=True):
    name = "project-rename-undone"

    project_id: str
    refused_name: str
    restored_name: str
    author_id: str  # who renamed it: told in-app

    def evolve(self, project: Project) -> Project:
        return replace(project, name=self.restored_name)


def decide_undo_rename(project: Project, cmd: UndoProjectRename, author_id: str) -> list[Event]:
    """Nothing to undo once the project no longer bears the refused name."""
    if name_key(project.name) != name_key(cmd.refused_name):
        return []
    undone = ProjectRenameUndone(
        project_id=project.project_id,
        refused_name=cmd.refused_name,
        restored_name=cmd.restored_name,
        author_id=author_id,
    )
    return [undone]


async def undo_project_rename(ctx: Context, cmd: UndoProjectRename, deps: Deps) -> ProjectVersion:
    stream = await deps.uow.load(cmd.project_id)
    if not stream.envelopes:
        raise errors.ProjectNotFound({"projectId": cmd.project_id})
    project = replay(stream.events, stream.version)
    events = decide_undo_rename(project, cmd, _renamed_by(stream.events, stream.envelopes, cmd))
    deps.uow.append("project", project.project_id, project.version, events)
    return {"projectId": project.project_id, "version": project.version + len(events)}


def _renamed_by(
    events: Sequence[Event], envelopes: Sequence[Envelope], cmd: UndoProjectRename
) -> str:
    """The author of the last rename to the refused name."""
    for event, envelope in reversed(list(zip(events, envelopes, strict=True))):
        if isinstance(event, ProjectRenamed) and name_key(event.new_name) == name_key(
            cmd.refused_name
        ):
            return envelope.context.access.account_id if envelope.context.access else ""
    return ""


async def _named(envelope: Envelope, deps: Deps) -> Mapping[str, Any]:
    payload = envelope.payload
    return {
        "projectId": envelope.stream_id,
        "projectName": payload["restoredName"],
        "refusedName": payload["refusedName"],
    }


NOTICE = Notice(
    ProjectRenameUndone.name,
    "notifications.project-rename-undone",
    "get-project",
    the_project,
    _named,
    to=the_author,
)

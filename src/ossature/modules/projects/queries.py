"""Queries of the projects module."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

import msgspec

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.kernel.messages import Payload
from ossature.modules.projects.repository import load_project
from ossature.modules.projects.state import ProjectView

__all__ = [
    "GetProject",
    "HistoryEntry",
    "ListProjects",
    "ListProjectsAnswer",
    "ProjectHistory",
    "ProjectHistoryAnswer",
    "get_project",
    "list_projects",
    "project_history",
]

Id = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class ListProjects(Payload, frozen=True):
    folder_id: Id | None = None
    include_subfolders: bool = False


class GetProject(Payload, frozen=True):
    project_id: Id


class ProjectHistory(Payload, frozen=True):
    project_id: Id


class ListProjectsAnswer(TypedDict):
    projects: list[ProjectView]


class HistoryEntry(TypedDict):
    eventId: str
    eventType: str
    version: int
    occurredAt: str
    actorId: str | None
    invocationId: str
    traceId: str
    data: dict[str, Any]


class ProjectHistoryAnswer(TypedDict):
    entries: list[HistoryEntry]


async def list_projects(ctx: Context, query: ListProjects, deps: Deps) -> ListProjectsAnswer:
    """The projects the actor may read, optionally within one folder (and its subfolders)."""
    granting = list(deps.access.granting_folders(ctx, "projects.read"))
    # One statement (live/projects_list.sql): when nothing ran before it, the invocation's
    # one round trip.
    rows = await deps.db.call(
        ctx.tenant_id, "projects_list", granting, query.folder_id, query.include_subfolders
    )
    projects: list[ProjectView] = [
        {
            "projectId": row["project_id"],
            "name": row["name"],
            "folderId": row["folder_id"],
            "version": row["version"],
            "archived": row["archived"],
        }
        for row in rows
    ]
    return {"projects": projects}


async def get_project(ctx: Context, query: GetProject, deps: Deps) -> ProjectView:
    """One project, read from its stream: always up to date."""
    return (await load_project(deps, query.project_id)).as_json()


async def project_history(ctx: Context, query: ProjectHistory, deps: Deps) -> ProjectHistoryAnswer:
    """Every change of a project: what, when, who, through which invocation."""
    await load_project(deps, query.project_id)
    stream = await deps.uow.load(query.project_id)
    entries: list[HistoryEntry] = [
        {
            "eventId": e.event_id,
            "eventType": e.event_type,
            "version": e.stream_version,
            "occurredAt": e.occurred_at.isoformat(),
            "actorId": e.context.access.account_id if e.context.access else None,
            "invocationId": e.context.trace.invocation_id,
            "traceId": e.context.trace.originating_trace_id,
            "data": e.payload,
        }
        for e in stream.envelopes
    ]
    return {"entries": entries}

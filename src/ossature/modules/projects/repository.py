"""Reading a project: its stream, folded. Shared by the commands, the queries and the notices."""

from __future__ import annotations

from typing import Protocol

from ossature.kernel.context import Context
from ossature.kernel.deps import Deps
from ossature.modules.projects import errors
from ossature.modules.projects.state import Project, replay

__all__ = ["folder_of_existing", "load_project"]


class AboutAProject(Protocol):
    """A payload that names an existing project."""

    @property
    def project_id(self) -> str: ...


async def load_project(deps: Deps, project_id: str) -> Project:
    """The project's current state from its stream, or ProjectNotFound (also for other tenants)."""
    stream = await deps.uow.load(project_id)
    if not stream.envelopes:
        raise errors.ProjectNotFound({"projectId": project_id})
    return replay(stream.events, stream.version)


async def folder_of_existing(ctx: Context, payload: AboutAProject, deps: Deps) -> str:
    """An existing project's folder, read from its stream: the scope of its authorization."""
    return (await load_project(deps, payload.project_id)).folder_id

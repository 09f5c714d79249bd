"""Projects: the sample product module, projects kept in folders. Copy its anatomy."""

from pathlib import Path

from ossature.kernel.module import Anyone, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.projects.commands import (
    ArchiveProject,
    CreateProject,
    RenameProject,
    archive_project,
    create_project,
    folder_of_existing,
    folder_of_new,
    rename_project,
)
from ossature.modules.projects.events import ProjectArchived, ProjectCreated, ProjectRenamed
from ossature.modules.projects.notices import NOTICES
from ossature.modules.projects.projections import CATALOG
from ossature.modules.projects.queries import (
    GetProject,
    ListProjects,
    ProjectHistory,
    get_project,
    list_projects,
    project_history,
)

__all__ = ["MODULE"]

MODULE = Module(
    name="projects",
    commands=[
        CommandSpec(
            "create-project",
            CreateProject,
            create_project,
            AtFolder("projects.create", folder_of_new),
        ),
        CommandSpec(
            "rename-project",
            RenameProject,
            rename_project,
            AtFolder("projects.rename", folder_of_existing),
        ),
        CommandSpec(
            "archive-project",
            ArchiveProject,
            archive_project,
            AtFolder("projects.archive", folder_of_existing),
        ),
    ],
    queries=[
        QuerySpec("list-projects", ListProjects, list_projects, Anyone()),
        QuerySpec(
            "get-project", GetProject, get_project, AtFolder("projects.read", folder_of_existing)
        ),
        QuerySpec(
            "get-project-history",
            ProjectHistory,
            project_history,
            AtFolder("projects.read", folder_of_existing),
        ),
    ],
    events=[ProjectCreated, ProjectRenamed, ProjectArchived],
    projections=[CATALOG],
    notices=NOTICES,
    root=Path(__file__).parent,
)

"""Projects: the sample product module, projects kept in folders. Copy its anatomy.

This table is the module: its commands (one file each under `commands/`), queries, event
types, projections, sagas and notices. The application refuses to start when it contradicts itself.
"""

from pathlib import Path

from ossature.kernel.module import Anyone, AtFolder, CommandSpec, Module, QuerySpec
from ossature.modules.projects.commands import (
    archive_project,
    create_project,
    rename_project,
    unarchive_project,
    undo_project_creation,
    undo_project_rename,
)
from ossature.modules.projects.names import NAMES
from ossature.modules.projects.projections import catalog
from ossature.modules.projects.queries import (
    GetProject,
    ListProjects,
    ProjectHistory,
    get_project,
    list_projects,
    project_history,
)
from ossature.modules.projects.repository import folder_of_existing
from ossature.modules.projects.state import ProjectEvent

__all__ = ["MODULE"]

EVENTS: list[type[ProjectEvent]] = [
    create_project.ProjectCreated,
    rename_project.ProjectRenamed,
    archive_project.ProjectArchived,
    unarchive_project.ProjectUnarchived,
    undo_project_creation.ProjectCreationUndone,
    undo_project_rename.ProjectRenameUndone,
]

MODULE = Module(
    name="projects",
    commands=[
        CommandSpec(
            "create-project",
            create_project.CreateProject,
            create_project.create_project,
            AtFolder("projects.create", create_project.folder_of_new),
        ),
        CommandSpec(
            "rename-project",
            rename_project.RenameProject,
            rename_project.rename_project,
            AtFolder("projects.rename", folder_of_existing),
        ),
        CommandSpec(
            "archive-project",
            archive_project.ArchiveProject,
            archive_project.archive_project,
            AtFolder("projects.archive", folder_of_existing),
        ),
        CommandSpec(
            "unarchive-project",
            unarchive_project.UnarchiveProject,
            unarchive_project.unarchive_project,
            AtFolder("projects.archive", folder_of_existing),
        ),
        # The compensations of the saga `project-names` (names unique in a folder, decision 108)
        CommandSpec(
            "undo-project-creation",
            undo_project_creation.UndoProjectCreation,
            undo_project_creation.undo_project_creation,
            AtFolder("projects.archive", folder_of_existing),
        ),
        CommandSpec(
            "undo-project-rename",
            undo_project_rename.UndoProjectRename,
            undo_project_rename.undo_project_rename,
            AtFolder("projects.rename", folder_of_existing),
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
    events=EVENTS,
    projections=[catalog(EVENTS)],
    sagas=[NAMES],
    notices=[
        create_project.NOTICE,
        rename_project.NOTICE,
        archive_project.NOTICE,
        unarchive_project.NOTICE,
        undo_project_creation.NOTICE,
        undo_project_rename.NOTICE,
    ],
    root=Path(__file__).parent,
)

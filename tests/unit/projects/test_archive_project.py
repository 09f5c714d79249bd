"""archive-project's and unarchive-project's rules, pure: no I/O, no fakes."""

from dataclasses import replace

from ossature.modules.projects.commands.archive_project import ProjectArchived, decide_archive
from ossature.modules.projects.commands.unarchive_project import (
    ProjectUnarchived,
    decide_unarchive,
)
from ossature.modules.projects.state import Project

PROJECT = Project("p1", "f1", "Old", archived=False, version=3)
ARCHIVED = replace(PROJECT, archived=True, version=4)


def test_archiving_twice_archives_once() -> None:
    """The second archive is a no-op."""
    assert ([ProjectArchived(project_id="p1")], []) == (
        decide_archive(PROJECT),
        decide_archive(ARCHIVED),
    )


def test_unarchiving_brings_an_archived_project_back_once() -> None:
    """Unarchiving an archived project appends one event; a project not archived is left alone."""
    assert ([ProjectUnarchived(project_id="p1")], []) == (
        decide_unarchive(ARCHIVED),
        decide_unarchive(PROJECT),
    )


def test_archiving_then_unarchiving_folds_back_to_a_live_project() -> None:
    """The two folds are each other's mirror."""
    archived = ProjectArchived(project_id="p1").evolve(PROJECT)
    assert (True, False) == (
        archived.archived,
        ProjectUnarchived(project_id="p1").evolve(archived).archived,
    )

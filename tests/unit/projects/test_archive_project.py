"""archive-project's rules, pure: no I/O, no fakes."""

from dataclasses import replace

from ossature.modules.projects.commands.archive_project import ProjectArchived, decide_archive
from ossature.modules.projects.state import Project

PROJECT = Project("p1", "f1", "Old", archived=False, version=3)
ARCHIVED = replace(PROJECT, archived=True, version=4)


def test_archiving_twice_archives_once() -> None:
    """The second archive is a no-op."""
    assert ([ProjectArchived(project_id="p1")], []) == (
        decide_archive(PROJECT),
        decide_archive(ARCHIVED),
    )

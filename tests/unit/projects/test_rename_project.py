"""rename-project's rules, pure: no I/O, no fakes."""

import pytest

from ossature.modules.projects import errors
from ossature.modules.projects.commands.rename_project import (
    ProjectRenamed,
    RenameProject,
    decide_rename,
)
from ossature.modules.projects.state import Project

PROJECT = Project("p1", "f1", "Old", archived=False, version=3)


def test_renaming_appends_a_renamed_event_with_the_previous_name() -> None:
    """A rename records the new and the previous name."""
    expected = [ProjectRenamed(project_id="p1", new_name="New", previous_name="Old")]
    assert expected == decide_rename(PROJECT, RenameProject(project_id="p1", name="New"))


def test_renaming_an_archived_project_is_refused() -> None:
    """An archived project keeps its name."""
    with pytest.raises(errors.ProjectIsArchived):
        decide_rename(
            Project("p1", "f1", "Old", archived=True, version=3),
            RenameProject(project_id="p1", name="New"),
        )


def test_renaming_with_a_stale_version_is_refused() -> None:
    """A client that saw version 2 cannot rename version 3."""
    with pytest.raises(errors.StaleProjectVersion):
        decide_rename(PROJECT, RenameProject(project_id="p1", name="New", expected_version=2))


def test_renaming_to_the_same_name_changes_nothing() -> None:
    """No event when the name does not change."""
    assert [] == decide_rename(PROJECT, RenameProject(project_id="p1", name="Old"))


def test_a_rename_changes_the_name_and_nothing_else() -> None:
    """The fold of a rename."""
    renamed = ProjectRenamed(project_id="p1", new_name="New", previous_name="Old")
    assert Project("p1", "f1", "New", archived=False, version=3) == renamed.evolve(PROJECT)

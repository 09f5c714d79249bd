"""A project's state folded from its stream's events."""

import pytest

from ossature.kernel.messages import Event, UnknownEvent
from ossature.modules.projects import MODULE
from ossature.modules.projects.commands.archive_project import ProjectArchived
from ossature.modules.projects.commands.create_project import ProjectCreated
from ossature.modules.projects.commands.rename_project import ProjectRenamed
from ossature.modules.projects.state import Project, ProjectEvent, replay


class FolderMoved(Event, frozen=True):
    name = "folder-moved"


class ProjectStarred(ProjectEvent, frozen=True):
    name = "project-starred"


def test_replay_folds_every_event_in_order_and_takes_the_streams_version() -> None:
    """Created, renamed, archived: the project as the last event left it."""
    events = [
        ProjectCreated(project_id="p1", folder_id="f1", project_name="A"),
        ProjectRenamed(project_id="p1", new_name="B", previous_name="A"),
        ProjectArchived(project_id="p1"),
    ]
    assert Project("p1", "f1", "B", archived=True, version=3) == replay(events, 3)


def test_folding_an_event_of_another_kind_of_stream_raises() -> None:
    """An event that is not a project's is never skipped silently."""
    with pytest.raises(UnknownEvent):
        replay([FolderMoved()], 1)


def test_folding_a_project_event_that_does_not_say_how_it_changes_a_project_raises() -> None:
    """A project event type without its own `evolve` is unknown to the state."""
    with pytest.raises(UnknownEvent):
        replay([ProjectStarred()], 1)


def test_every_declared_project_event_says_how_it_changes_a_project() -> None:
    """Each event type in the module's table defines its own fold."""
    without = [e.name for e in MODULE.events if "evolve" not in vars(e)]
    assert [] == without

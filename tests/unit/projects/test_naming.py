"""The saga project-names' decisions and its compensations' rules, pure: no I/O, no fakes."""

from dataclasses import replace

from ossature.kernel.sagas import SagaRecord, Send, Step
from ossature.modules.projects.commands.undo_project_creation import (
    ProjectCreationUndone,
    decide_undo_creation,
)
from ossature.modules.projects.commands.undo_project_rename import (
    ProjectRenameUndone,
    UndoProjectRename,
    decide_undo_rename,
)
from ossature.modules.projects.naming import (
    ATTEMPTS,
    decide_claim,
    decide_claims,
    decide_moved_on,
    decide_timeout,
    decide_undone,
)
from ossature.modules.projects.state import Project
from ossature.runtime.contexts import internal_context, tenant_service

DATA = {"projectId": "p2", "folderId": "f1", "name": "Atlas", "authorId": "a2"}
PROJECT = Project("p2", "f1", "Atlas", version=1)


def _saga(kind: str, name: str = "Atlas", attempts: int = 1, saga_id: str = "s1") -> SagaRecord:
    data = {**DATA, "kind": kind, "name": name, "attempts": attempts, "takenBy": "p1"}
    ctx = internal_context(tenant_service("t1", "f0"))
    return SagaRecord(saga_id, "t1", "project-names", "p2", "running", data, None, ctx)


def test_a_free_name_is_kept_and_the_saga_completes() -> None:
    """Nobody holds the name, or the project itself does: nothing to undo."""
    expected = Step("completed", {**DATA, "kind": "create", "attempts": 1})
    assert (expected, expected) == (
        decide_claim("create", DATA, None, None),
        decide_claim("create", DATA, "p2", None),
    )


def test_a_creation_under_a_taken_name_is_undone() -> None:
    """Another project holds the name: the saga runs until undo-project-creation is applied."""
    step = decide_claim("create", DATA, "p1", None)
    assert "running" == step.state
    assert (
        Send("undo-1", "undo-project-creation", {"projectId": "p2", "refusedName": "Atlas"}, "f1"),
    ) == step.sends


def test_of_two_claims_of_one_name_in_a_run_the_first_stands() -> None:
    """A name kept earlier in the run is held for the later claims, in any case; another
    folder's name, or one held before the run, is decided as alone."""
    claims = [
        {**DATA, "projectId": "p2"},
        {**DATA, "projectId": "p3", "name": "ATLAS"},
        {**DATA, "projectId": "p4", "folderId": "f2"},
        {**DATA, "projectId": "p5", "name": "Held"},
    ]
    steps = decide_claims("create", claims, {("f1", "held"): "p1"})
    assert [
        ("completed", None),
        ("running", "p2"),
        ("completed", None),
        ("running", "p1"),
    ] == [(step.state, step.data.get("takenBy")) for step in steps]


def test_a_rename_to_a_taken_name_restores_the_kept_one() -> None:
    """The compensation restores the name the project still holds, not the event's previous."""
    step = decide_claim("rename", DATA, "p1", "Kept")
    payload = {"projectId": "p2", "refusedName": "Atlas", "restoredName": "Kept"}
    assert (Send("undo-1", "undo-project-rename", payload, "f1"),) == step.sends


def test_a_rename_of_a_project_keeping_no_name_undoes_its_creation() -> None:
    """A project that holds no name of its own cannot keep a taken one either."""
    step = decide_claim("rename", DATA, "p1", None)
    assert ["undo-project-creation"] == [send.command for send in step.sends]


def test_an_unarchiving_under_a_taken_name_archives_again() -> None:
    """While archived its name was free for another: the project goes back to the archive."""
    step = decide_claim("unarchive", DATA, "p1", None)
    assert (Send("undo-1", "archive-project", {"projectId": "p2"}, "f1"),) == step.sends


def test_the_undoing_event_compensates_the_sagas_that_wait_for_it() -> None:
    """Only the sagas of that name (in any case) and of the undone kind end compensated."""
    running = [_saga("rename", "ATLAS", saga_id="s1"), _saga("rename", "Other", saga_id="s2")]
    assert ["s1"] == [saga_id for saga_id, _ in decide_undone(running, ("rename",), "atlas")]


def test_a_project_that_moved_on_leaves_nothing_to_undo() -> None:
    """A later rename that holds completes the waiting sagas; an archive compensates a creation."""
    running = [_saga("create", saga_id="s1"), _saga("rename", saga_id="s2")]
    moved = decide_moved_on(running, compensated=("create",))
    assert [("s1", "compensated"), ("s2", "completed")] == [(i, s.state) for i, s in moved]


def test_past_its_deadline_a_saga_retries_then_is_stuck() -> None:
    """Each timeout sends the compensation again under a new step, until the last attempt."""
    again = decide_timeout(_saga("create", attempts=1))
    assert ("running", 2, ["undo-2"]) == (
        again.state,
        again.data["attempts"],
        [s.step for s in again.sends],
    )
    assert "stuck" == decide_timeout(_saga("create", attempts=ATTEMPTS)).state


def test_undoing_a_creation_archives_it_once() -> None:
    """Archived already, or renamed away from the refused name: nothing to undo."""
    undone = ProjectCreationUndone(project_id="p2", refused_name="atlas", author_id="a2")
    assert ([undone], [], []) == (
        decide_undo_creation(PROJECT, "atlas", "a2"),
        decide_undo_creation(replace(PROJECT, archived=True), "atlas", "a2"),
        decide_undo_creation(replace(PROJECT, name="Other"), "atlas", "a2"),
    )
    assert undone.evolve(PROJECT).archived


def test_undoing_a_rename_restores_the_kept_name_once() -> None:
    """The project bears the refused name: the kept name comes back; otherwise nothing."""
    cmd = UndoProjectRename(project_id="p2", refused_name="Atlas", restored_name="Kept")
    undone = ProjectRenameUndone(
        project_id="p2", refused_name="Atlas", restored_name="Kept", author_id="a2"
    )
    assert ([undone], []) == (
        decide_undo_rename(PROJECT, cmd, "a2"),
        decide_undo_rename(replace(PROJECT, name="Kept"), cmd, "a2"),
    )
    assert "Kept" == undone.evolve(PROJECT).name

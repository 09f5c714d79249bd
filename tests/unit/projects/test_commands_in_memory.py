"""The projects module's commands run through their table on the in-memory seam: no engine."""

from __future__ import annotations

import pytest

from ossature.kernel.context import Context
from ossature.kernel.errors import ConcurrencyConflict
from ossature.kernel.idempotency import IdempotencyKeyReused
from ossature.kernel.memory import InMemory, NeedsPostgres
from ossature.modules.projects import MODULE, errors
from ossature.modules.projects.commands.archive_project import ProjectArchived
from ossature.modules.projects.commands.create_project import ProjectCreated
from tests.unit.support import user_context


def editor(tenant: str = "acme", key: str | None = None) -> Context:
    return user_context("project-editor", "eu", tenant, key)


async def _created(memory: InMemory, name: str = "Apollo") -> str:
    made = await memory.command(editor(), "create-project", {"folderId": "eu", "name": name})
    return str(made["projectId"])


async def test_a_created_project_is_one_event_in_its_stream() -> None:
    """create-project appends project-created, decoded into its class."""
    memory = InMemory(MODULE)
    project_id = await _created(memory)
    stream = memory.stream(editor(), project_id)
    assert [ProjectCreated(project_id=project_id, folder_id="eu", project_name="Apollo")] == list(
        stream.events
    )


async def test_archive_then_unarchive_then_rename_reads_back_through_get_project() -> None:
    """The commands chain through the stream; get-project folds it to the last state."""
    memory = InMemory(MODULE)
    project_id = await _created(memory)
    for name, payload in [
        ("archive-project", {"projectId": project_id}),
        ("unarchive-project", {"projectId": project_id}),
        ("rename-project", {"projectId": project_id, "name": "Artemis"}),
    ]:
        await memory.command(editor(), name, payload)
    project = await memory.query(editor(), "get-project", {"projectId": project_id})
    assert {"name": "Artemis", "archived": False, "version": 4} == {
        k: project[k] for k in ("name", "archived", "version")
    }


async def test_renaming_an_archived_project_is_refused_with_its_key() -> None:
    """The rule's refusal comes out of the handler unchanged."""
    memory = InMemory(MODULE)
    project_id = await _created(memory)
    await memory.command(editor(), "archive-project", {"projectId": project_id})
    with pytest.raises(errors.ProjectIsArchived):
        await memory.command(editor(), "rename-project", {"projectId": project_id, "name": "X"})


async def test_a_repeated_key_answers_the_first_outcome_and_appends_nothing() -> None:
    """Idempotency holds in memory as in PostgreSQL."""
    memory = InMemory(MODULE)
    key = "01JAAAAAAAAAAAAAAAAAAAAAAA"
    payload = {"folderId": "eu", "name": "Once"}
    first = await memory.command(editor(key=key), "create-project", payload)
    second = await memory.command(editor(key=key), "create-project", payload)
    assert (first, 1) == (second, len(memory.store.envelopes))


async def test_a_key_used_by_another_command_is_refused() -> None:
    """The same key cannot answer for a different command."""
    memory = InMemory(MODULE)
    key = "01JBBBBBBBBBBBBBBBBBBBBBBB"
    made = await memory.command(editor(key=key), "create-project", {"folderId": "eu", "name": "A"})
    with pytest.raises(IdempotencyKeyReused):
        await memory.command(editor(key=key), "archive-project", {"projectId": made["projectId"]})


async def test_another_tenants_project_is_not_found() -> None:
    """Streams are the tenant's own, as under row-level security."""
    memory = InMemory(MODULE)
    project_id = await _created(memory)
    with pytest.raises(errors.ProjectNotFound):
        await memory.command(editor("globex"), "archive-project", {"projectId": project_id})


async def test_an_append_at_a_stale_version_conflicts() -> None:
    """Two writers from the same version: the second commit is refused."""
    memory = InMemory(MODULE)
    project_id = await _created(memory)
    ctx = editor()
    deps = memory.deps(ctx)
    deps.uow.append("project", project_id, 0, [ProjectArchived(project_id=project_id)])
    with pytest.raises(ConcurrencyConflict):
        await deps.uow.commit("archive-project", {}, memory.now, ())


async def test_a_query_that_runs_sql_says_it_needs_postgres() -> None:
    """The seam does not pretend: list-projects reads a read model."""
    with pytest.raises(NeedsPostgres):
        await InMemory(MODULE).query(editor(), "list-projects", {})


async def test_a_description_given_at_creation_is_answered_by_get_project() -> None:
    """project-created's optional description folds into the project; none is ""."""
    memory = InMemory(MODULE)
    payload = {"folderId": "eu", "name": "Apollo", "description": "To the moon"}
    made = await memory.command(editor(), "create-project", payload)
    plain = await _created(memory, "Gemini")
    described = await memory.query(editor(), "get-project", {"projectId": made["projectId"]})
    undescribed = await memory.query(editor(), "get-project", {"projectId": plain})
    assert ("To the moon", "") == (described["description"], undescribed["description"])

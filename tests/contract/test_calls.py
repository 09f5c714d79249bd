"""Logging in, commands, queries and batches answer the same through every backend."""

from __future__ import annotations

from ossature.kernel.ids import is_ulid
from ossature.sdk import Client, Denied, InvalidRequest, Invocation
from tests.contract.support import as_person, email_of, refusal
from tests.integration._push import PASSWORD, PushTenant


async def test_logging_in_opens_a_session_whose_token_the_next_calls_carry(
    client: Client, people: PushTenant
) -> None:
    """log_in returns the session and keeps its token: the editor then sees the folders of EU."""
    expected = {"Global", "EU", "France"}

    session = await client.log_in(people.slug, email_of(people, "editor"), PASSWORD)

    assert client.token == session.access_token
    assert is_ulid(session.session_id)
    actual = {folder["name"] for folder in await client.list_folders()}
    assert expected == actual


async def test_logging_out_ends_the_session_for_its_token(
    client: Client, people: PushTenant
) -> None:
    """After log_out, the token it held is refused with the key of an ended session."""
    editor = await as_person(client, people, "editor")
    old = client.with_token(editor.token)

    await editor.log_out()

    actual = (await refusal(old.list_folders())).message_key
    assert "identity.session-ended" == actual


async def test_a_command_answers_its_outcome(client: Client, people: PushTenant) -> None:
    """create-project answers a new project id; rename-project answers the next version."""
    editor = await as_person(client, people, "editor")

    project_id = await editor.create_project(people.folders["France"], "Launch")
    version = await editor.rename_project(project_id, "Launch (renamed)")

    assert is_ulid(project_id)
    assert 2 == version


async def test_a_query_answers_what_the_commands_did(client: Client, people: PushTenant) -> None:
    """get-project reads the project as the editor's commands left it."""
    editor = await as_person(client, people, "editor")
    project_id = await editor.create_project(people.folders["France"], "Launch")
    await editor.rename_project(project_id, "Relaunch")
    expected = (project_id, "Relaunch", 2, people.folders["France"])

    project = await editor.get_project(project_id)

    actual = (project["projectId"], project["name"], project["version"], project["folderId"])
    assert expected == actual


async def test_a_batch_answers_each_invocation_in_order_with_its_own_status(
    client: Client, people: PushTenant
) -> None:
    """One allowed, one denied, one malformed: each outcome is what it would be alone."""
    editor = await as_person(client, people, "editor")
    batch = [
        Invocation("create-project", {"folderId": people.folders["France"], "name": "Mine"}),
        Invocation("create-project", {"folderId": people.folders["US"], "name": "Not mine"}),
        Invocation("create-project", {"folderId": 5}),
    ]
    expected = ([200, 403, 422], [type(None), Denied, InvalidRequest])

    outcomes = await editor.batch("commands", batch)

    actual = ([o.status for o in outcomes], [type(o.error) for o in outcomes])
    assert expected == actual
    assert is_ulid(outcomes[0].body["projectId"])


async def test_each_batch_outcome_carries_its_own_invocation_id(
    client: Client, people: PushTenant
) -> None:
    """Every invocation of a batch is an invocation of its own, and its error says which."""
    editor = await as_person(client, people, "editor")
    names = [Invocation("list-folders"), Invocation("get-project", {"projectId": "none"})]

    outcomes = await editor.batch("queries", names)

    ids = [outcome.invocation_id for outcome in outcomes]
    assert all(is_ulid(str(found)) for found in ids)
    assert len(set(ids)) == 2
    assert outcomes[1].error is not None
    assert ids[1] == outcomes[1].error.invocation_id

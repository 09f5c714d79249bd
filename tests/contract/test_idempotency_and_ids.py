"""Idempotency keys and the ids of an invocation behave the same through every backend."""

from __future__ import annotations

import re

from ossature.kernel.ids import is_ulid
from ossature.sdk import Client, Invocation, new_ulid
from tests.contract.support import as_person, refusal
from tests.integration._push import PushTenant
from tests.integration.support import eventually


async def test_a_retry_with_the_same_key_answers_the_first_outcome(
    client: Client, people: PushTenant
) -> None:
    """Creating twice with one key answers one project id, and the project has one event."""
    editor, key = await as_person(client, people, "editor"), new_ulid()

    first = await editor.create_project(people.folders["France"], "Once", idempotency_key=key)
    again = await editor.create_project(people.folders["France"], "Once", idempotency_key=key)

    history = await editor.get_project_history(first)
    assert (first, 1) == (again, len(history))


async def test_a_retry_answers_the_first_outcome_even_once_the_state_moved_on(
    client: Client, people: PushTenant
) -> None:
    """A rename retried after a later rename answers its first version, not a refusal."""
    editor, key = await as_person(client, people, "editor"), new_ulid()
    project_id = await editor.create_project(people.folders["France"], "Start")
    first = await editor.rename_project(project_id, "Next", expected_version=1, idempotency_key=key)
    await editor.rename_project(project_id, "Later")

    again = await editor.rename_project(project_id, "Next", expected_version=1, idempotency_key=key)

    assert (2, 2) == (first, again)


async def test_a_batch_item_retried_with_its_key_answers_its_first_outcome(
    client: Client, people: PushTenant
) -> None:
    """An invocation's key in a batch makes a resent batch answer the same project id."""
    editor, key = await as_person(client, people, "editor"), new_ulid()
    item = Invocation("create-project", {"folderId": people.folders["France"], "name": "B"}, key)

    first, again = await editor.batch("commands", [item]), await editor.batch("commands", [item])

    assert first[0].body["projectId"] == again[0].body["projectId"]


async def test_a_new_key_is_a_new_invocation(client: Client, people: PushTenant) -> None:
    """Without a key the client makes one per call: the same payload twice makes two projects."""
    editor = await as_person(client, people, "editor")

    first = await editor.create_project(people.folders["France"], "Twice")
    second = await editor.create_project(people.folders["France"], "Twice")

    assert first != second


async def test_an_answer_carries_its_invocation_and_trace_ids(
    client: Client, people: PushTenant
) -> None:
    """The ids the client keeps from an answer are those the project's history records."""
    editor = await as_person(client, people, "editor")
    project_id = await editor.create_project(people.folders["France"], "Traced")
    invocation_id, trace_id = editor.last_invocation_id, editor.last_trace_id

    entry = (await editor.get_project_history(project_id))[0]

    assert is_ulid(str(invocation_id))
    assert re.fullmatch("[0-9a-f]{32}", str(trace_id))
    assert (invocation_id, trace_id) == (entry["invocationId"], entry["traceId"])


async def test_each_call_is_a_new_invocation_with_a_new_trace(
    client: Client, people: PushTenant
) -> None:
    """Two calls answer two invocation ids and two trace ids."""
    editor = await as_person(client, people, "editor")
    await editor.list_folders()
    first = (editor.last_invocation_id, editor.last_trace_id)

    await editor.list_folders()

    second = (editor.last_invocation_id, editor.last_trace_id)
    assert first[0] != second[0]
    assert first[1] != second[1]


async def test_the_audit_trail_keeps_the_keys_the_client_sent(
    client: Client, people: PushTenant
) -> None:
    """The idempotency key and client action id of a call reach its audit entry."""
    editor, admin = (
        await as_person(client, people, "editor"),
        await as_person(client, people, "admin"),
    )
    key, action = new_ulid(), new_ulid()
    await editor.create_project(
        people.folders["France"], "Audited", idempotency_key=key, client_action_id=action
    )
    invocation_id = editor.last_invocation_id

    def entry_of(entries: list[dict[str, object]]) -> dict[str, object] | None:
        return next((e for e in entries if e["invocationId"] == invocation_id), None)

    found = entry_of(await eventually(admin.list_audit_entries, entry_of, within=10.0))

    assert found is not None
    trace = dict(found["context"])["trace"]  # type: ignore[call-overload]
    assert (key, action) == (trace["externalInvocationId"], trace["clientActionId"])


async def test_a_refusal_carries_the_invocation_id_of_its_answer(
    client: Client, people: PushTenant
) -> None:
    """A refused call's error and the client agree on the invocation id the server gave it."""
    viewer = await as_person(client, people, "viewer")

    error = await refusal(viewer.create_project(people.folders["US"], "Refused"))

    assert is_ulid(str(error.invocation_id))
    assert error.invocation_id == viewer.last_invocation_id

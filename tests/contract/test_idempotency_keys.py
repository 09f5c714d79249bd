"""A key is one invocation's, with one payload, single or in a batch; a log-in's record keeps
no token, and its repeat answers a fresh token for the same session (decisions 34, 35)."""

from __future__ import annotations

import jwt

from ossature.sdk import Client, Invocation, new_ulid
from tests.contract.support import as_person, email_of, refusal
from tests.integration._push import PASSWORD, PushTenant


async def test_a_key_sent_again_with_another_payload_is_refused(
    client: Client, people: PushTenant
) -> None:
    """The second create with the same key and another name: 422 idempotency-key-reused."""
    editor, key = await as_person(client, people, "editor"), new_ulid()
    await editor.create_project(people.folders["France"], "First name", idempotency_key=key)

    refused = await refusal(
        editor.create_project(people.folders["France"], "Other name", idempotency_key=key)
    )

    assert (422, "errors.idempotency-key-reused") == (refused.status, refused.message_key)


async def test_a_batch_item_sent_again_with_another_payload_is_refused(
    client: Client, people: PushTenant
) -> None:
    """In a batch as alone: the key's second payload is refused, its first still answered."""
    editor, key = await as_person(client, people, "editor"), new_ulid()
    france = people.folders["France"]
    first = Invocation("create-project", {"folderId": france, "name": "Batched"}, key)
    other = Invocation("create-project", {"folderId": france, "name": "Rebatched"}, key)

    outcomes = await editor.batch("commands", [first, other, first])

    statuses = [(o.status, o.body.get("messageKey")) for o in outcomes]
    assert [(200, None), (422, "errors.idempotency-key-reused"), (200, None)] == statuses


async def test_a_batch_item_with_a_key_that_is_no_ulid_is_refused(
    client: Client, people: PushTenant
) -> None:
    """As the header is: 422 errors.invalid-header, and nothing is created."""
    editor = await as_person(client, people, "editor")
    item = Invocation("create-project", {"folderId": people.folders["France"], "name": "K"}, "k-1")

    outcomes = await editor.batch("commands", [item])

    assert [(422, "errors.invalid-header")] == [
        (o.status, o.body.get("messageKey")) for o in outcomes
    ]


async def test_a_log_in_repeated_answers_a_fresh_token_for_the_same_session(
    client: Client, people: PushTenant
) -> None:
    """Two log-ins with one key: one session, two tokens that both work, the same refresh
    token; no token recorded."""
    key = new_ulid()
    body = {"tenant": people.slug, "email": email_of(people, "viewer"), "password": PASSWORD}

    first = await client.command("log-in", body, idempotency_key=key)
    again = await client.command("log-in", body, idempotency_key=key)

    async with people.system.db.transaction(people.tenant_id) as conn:
        recorded = await conn.fetchval(
            "select outcome from idempotency_records where key = $1 and command = 'log-in'", key
        )
    sessions = {_session(first["accessToken"]), _session(again["accessToken"])}
    assert first["accessToken"] != again["accessToken"]
    assert {first["sessionId"]} == {again["sessionId"]} == sessions
    assert first["refreshToken"] == again["refreshToken"]
    assert {"expiresAt", "sessionId", "refreshableUntil"} == set(recorded)
    for token in (first["accessToken"], again["accessToken"]):
        client.token = token
        assert "projects" in await client.query("list-projects", {})


async def test_a_log_in_repeated_with_a_wrong_password_is_refused(
    client: Client, people: PushTenant
) -> None:
    """The repeat verifies the password again: the first outcome is no answer to a stranger."""
    key = new_ulid()
    body = {"tenant": people.slug, "email": email_of(people, "viewer"), "password": PASSWORD}
    await client.command("log-in", body, idempotency_key=key)

    refused = await refusal(
        # pragma: allowlist nextline secret: a wrong password on purpose
        client.command("log-in", {**body, "password": "not the password"}, idempotency_key=key)
    )

    assert 401 == refused.status


def _session(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["sid"])

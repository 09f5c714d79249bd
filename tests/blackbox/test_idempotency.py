"""Idempotency keys: a retried command runs once, whatever the timing; misuse is refused."""

from __future__ import annotations

import asyncio

import httpx

from tests.blackbox._api import (
    System,
    Tenant,
    TokenFor,
    call,
    claims_of,
    eventually,
    new_ulid,
    problem_of,
)


async def _named(http: httpx.AsyncClient, token: str, folder_id: str, name: str) -> list[dict]:
    """The listed projects of a folder called `name`, once at least one is listed."""
    response = await eventually(
        lambda: call(http, "queries/list-projects", {"folderId": folder_id}, token),
        lambda answer: any(p["name"] == name for p in answer.json()["projects"]),
    )
    return [p for p in response.json()["projects"] if p["name"] == name]


async def _history(http: httpx.AsyncClient, token: str, project_id: str) -> list[str]:
    response = await call(http, "queries/get-project-history", {"projectId": project_id}, token)
    return [entry["eventType"] for entry in response.json()["entries"]]


async def test_a_retried_create_answers_the_same_outcome_and_appends_once(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """Sending a create-project twice with one key answers the same body and makes one project."""
    # given
    token, key, name = await token_for("editor@acme"), new_ulid(), f"Retried {new_ulid()}"
    payload = {"folderId": acme.folders["France"], "name": name}
    headers = {"Idempotency-Key": key}
    # when
    first = await call(http, "commands/create-project", payload, token, headers)
    again = await call(http, "commands/create-project", payload, token, headers)
    # then
    assert (200, first.json()) == (again.status_code, again.json())
    project_id = first.json()["projectId"]
    assert ["project-created"] == await _history(http, token, project_id)
    assert [project_id] == [
        p["projectId"] for p in await _named(http, token, payload["folderId"], name)
    ]


async def test_twenty_concurrent_creates_with_one_key_make_one_project(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """Twenty simultaneous identical requests with one key all answer the one project made."""
    # given
    token, name = await token_for("editor@acme"), f"Concurrent {new_ulid()}"
    payload = {"folderId": acme.folders["France"], "name": name}
    headers = {"Idempotency-Key": new_ulid()}
    # when
    answers = await asyncio.gather(
        *(call(http, "commands/create-project", payload, token, headers) for _ in range(20))
    )
    # then
    assert [200] * 20 == [answer.status_code for answer in answers]
    project_ids = {answer.json()["projectId"] for answer in answers}
    assert 1 == len(project_ids)
    listed = await _named(http, token, payload["folderId"], name)
    assert project_ids == {p["projectId"] for p in listed}
    assert 1 == len(listed)
    assert ["project-created"] == await _history(http, token, project_ids.pop())


async def test_a_key_reused_for_another_command_is_refused(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """A key already used by create-project is refused for rename-project, which then does nothing."""
    # given
    token, name = await token_for("editor@acme"), f"Keyed {new_ulid()}"
    headers = {"Idempotency-Key": new_ulid()}
    payload = {"folderId": acme.folders["France"], "name": name}
    created = await call(http, "commands/create-project", payload, token, headers)
    project_id = created.json()["projectId"]
    # when
    rename = {"projectId": project_id, "name": "Renamed with a used key"}
    response = await call(http, "commands/rename-project", rename, token, headers)
    # then
    assert (422, "errors.idempotency-key-reused") == problem_of(response)
    project = await call(http, "queries/get-project", {"projectId": project_id}, token)
    assert (name, 1) == (project.json()["name"], project.json()["version"])


async def test_an_idempotency_key_that_is_not_a_ulid_is_refused(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """An Idempotency-Key header that is not a ULID gets 422 errors.invalid-header."""
    # given
    payload = {"folderId": acme.folders["France"], "name": f"Bad key {new_ulid()}"}
    headers = {"Idempotency-Key": "retry-1"}
    token = await token_for("editor@acme")
    # when
    response = await call(http, "commands/create-project", payload, token, headers)
    # then
    assert (422, "errors.invalid-header") == problem_of(response)


async def test_one_key_used_by_two_accounts_makes_two_projects(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """A key belongs to its account: another account's command with it runs on its own."""
    # given
    headers = {"Idempotency-Key": new_ulid()}
    payload = {"folderId": acme.folders["France"], "name": f"Shared key {new_ulid()}"}
    # when
    by_editor = await call(
        http, "commands/create-project", payload, await token_for("editor@acme"), headers
    )
    by_admin = await call(
        http, "commands/create-project", payload, await token_for("admin@acme"), headers
    )
    # then
    assert (200, 200) == (by_editor.status_code, by_admin.status_code)
    assert by_editor.json()["projectId"] != by_admin.json()["projectId"]


async def test_two_accounts_logging_in_with_one_key_each_get_their_own_session(
    http: httpx.AsyncClient, system: System, token_for: TokenFor
) -> None:
    """A log-in replayed with another account's Idempotency-Key must not hand out that account's token."""
    # given
    viewer_id = claims_of(await token_for("viewer@acme"))["sub"]
    headers = {"Idempotency-Key": new_ulid()}
    admin = {"tenant": "acme", "email": "admin@acme.test", "password": system.password}
    viewer = {**admin, "email": "viewer@acme.test"}
    await call(http, "commands/log-in", admin, None, headers)
    # when
    response = await call(http, "commands/log-in", viewer, None, headers)
    # then
    assert 200 == response.status_code
    assert viewer_id == claims_of(response.json()["accessToken"])["sub"]

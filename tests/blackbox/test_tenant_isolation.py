"""Tenant isolation: another tenant's ids lead nowhere, and every attempt is audited."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.blackbox._api import (
    PROBLEM,
    Tenant,
    TokenFor,
    call,
    claims_of,
    eventually,
    new_ulid,
    problem_of,
)

Ids = dict[str, str]
REFUSALS: dict[str, tuple[str, Any]] = {
    "get-project": ("queries/get-project", lambda ids: {"projectId": ids["project"]}),
    "get-project-history": (
        "queries/get-project-history",
        lambda ids: {"projectId": ids["project"]},
    ),
    "rename-project": (
        "commands/rename-project",
        lambda ids: {"projectId": ids["project"], "name": "Hijacked"},
    ),
    "archive-project": ("commands/archive-project", lambda ids: {"projectId": ids["project"]}),
    "create-project": (
        "commands/create-project",
        lambda ids: {"folderId": ids["folder"], "name": "Planted"},
    ),
    "create-folder": (
        "commands/create-folder",
        lambda ids: {"parentId": ids["folder"], "name": "Planted"},
    ),
    "get-my-permissions": ("queries/get-my-permissions", lambda ids: {"folderId": ids["folder"]}),
    "assign-role-at-own-folder": (
        "commands/assign-role",
        lambda ids: {"accountId": ids["account"], "role": "tenant-admin", "folderId": ids["own"]},
    ),
    "assign-role-at-their-folder": (
        "commands/assign-role",
        lambda ids: {"accountId": ids["account"], "role": "tenant-admin", "folderId": ids["root"]},
    ),
}
EMPTY_LISTS: dict[str, tuple[str, Any, str]] = {
    "list-projects": ("queries/list-projects", lambda ids: {"folderId": ids["folder"]}, "projects"),
    "list-projects-below": (
        "queries/list-projects",
        lambda ids: {"folderId": ids["root"], "includeSubfolders": True},
        "projects",
    ),
    "list-audit-entries": (
        "queries/list-audit-entries",
        lambda ids: {"actorId": ids["account"]},
        "entries",
    ),
}


@pytest.fixture(scope="module")
async def acme_ids(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, globex: Tenant
) -> Ids:
    """A fresh acme project, acme folders and acme's editor's account, plus globex's root."""
    payload = {"folderId": acme.folders["France"], "name": f"Isolated {new_ulid()}"}
    created = await call(http, "commands/create-project", payload, await token_for("admin@acme"))
    return {
        "project": created.json()["projectId"],
        "folder": acme.folders["France"],
        "root": acme.folders["Global"],
        "account": claims_of(await token_for("editor@acme"))["sub"],
        "own": globex.folders["Global"],
    }


@pytest.fixture(scope="module")
async def attempts(
    http: httpx.AsyncClient, token_for: TokenFor, acme_ids: Ids
) -> dict[str, httpx.Response]:
    """Every attempt of globex's admin on acme's ids, by name."""
    token = await token_for("admin@globex")
    table = {name: (path, make) for name, (path, make, *_) in {**REFUSALS, **EMPTY_LISTS}.items()}
    return {
        name: await call(http, path, make(acme_ids), token) for name, (path, make) in table.items()
    }


async def _audited(http: httpx.AsyncClient, token: str, invocation_ids: set[str]) -> dict[str, str]:
    """The audit outcome of each invocation, polled until all are recorded."""

    async def outcomes() -> dict[str, str]:
        response = await call(http, "queries/list-audit-entries", {"limit": 1000}, token)
        entries = response.json()["entries"]
        return {
            e["invocationId"]: e["outcome"] for e in entries if e["invocationId"] in invocation_ids
        }

    return await eventually(outcomes, lambda found: found.keys() == invocation_ids)


@pytest.mark.parametrize("name", REFUSALS)
async def test_acting_on_another_tenants_ids_is_refused(
    name: str, attempts: dict[str, httpx.Response]
) -> None:
    """A globex user holding an acme id gets a 403 or 404 problem, never data."""
    # when
    response = attempts[name]
    # then
    assert PROBLEM == response.headers["content-type"]
    assert response.status_code in (403, 404), response.text


@pytest.mark.parametrize("name", EMPTY_LISTS)
async def test_listing_with_another_tenants_ids_shows_nothing(
    name: str, attempts: dict[str, httpx.Response]
) -> None:
    """A globex user listing with an acme folder or account id gets an empty list."""
    # when
    response = attempts[name]
    # then
    assert (200, []) == (response.status_code, response.json()[EMPTY_LISTS[name][2]])


async def test_the_attempts_leave_the_other_tenants_project_unchanged(
    http: httpx.AsyncClient, token_for: TokenFor, acme_ids: Ids, attempts: dict[str, httpx.Response]
) -> None:
    """After globex's attempts, acme's project still has its one event, name and folder."""
    # given
    token, project = await token_for("admin@acme"), {"projectId": acme_ids["project"]}
    # when
    found = (await call(http, "queries/get-project", project, token)).json()
    history = (await call(http, "queries/get-project-history", project, token)).json()["entries"]
    # then
    assert (1, False, acme_ids["folder"]) == (
        found["version"],
        found["archived"],
        found["folderId"],
    )
    assert found["name"].startswith("Isolated ")
    assert ["project-created"] == [entry["eventType"] for entry in history]


async def test_the_attempts_are_audited_as_not_allowed(
    http: httpx.AsyncClient, token_for: TokenFor, attempts: dict[str, httpx.Response]
) -> None:
    """Globex's admin finds each refused attempt in the audit trail with an outcome other than allowed."""
    # given
    refused = {attempts[name].headers["X-Invocation-Id"] for name in REFUSALS}
    # when
    outcomes = await _audited(http, await token_for("admin@globex"), refused)
    # then
    assert refused == outcomes.keys()
    assert set() == {outcome for outcome in outcomes.values() if outcome == "allowed"}


async def test_an_editor_at_eu_cannot_create_in_us_and_is_audited(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """A project-editor at EU is denied a project in US, and the audit trail says denied."""
    # given
    payload = {"folderId": acme.folders["US"], "name": f"Out of scope {new_ulid()}"}
    # when
    response = await call(http, "commands/create-project", payload, await token_for("editor@acme"))
    # then
    assert (403, "errors.denied") == problem_of(response)
    invocation = response.headers["X-Invocation-Id"]
    audited = await _audited(http, await token_for("admin@acme"), {invocation})
    assert {invocation: "denied"} == audited


async def test_a_viewer_cannot_rename_and_is_audited(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """A project-viewer is denied a rename of a project it can read, and the audit trail says denied."""
    # given
    payload = {"projectId": acme.projects["Customer portal"], "name": "Renamed by a viewer"}
    # when
    response = await call(http, "commands/rename-project", payload, await token_for("viewer@acme"))
    # then
    assert (403, "errors.denied") == problem_of(response)
    invocation = response.headers["X-Invocation-Id"]
    audited = await _audited(http, await token_for("admin@acme"), {invocation})
    assert {invocation: "denied"} == audited

"""Junk requests: always a problem+json with a message key, never a 5xx, never a change."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from ossature.runtime.application import Application
from tests.blackbox._api import (
    PROBLEM,
    System,
    Tenant,
    TokenFor,
    bearer,
    call,
    eventually,
    log_in,
    new_ulid,
)

MIB = 1024 * 1024
INVALID = "errors.invalid-payload"
NOT_JSON, UTF8, NUL = "errors.body-not-json", "errors.body-not-utf-8", "errors.body-holds-nul"
Ids = dict[str, str]


@dataclass(frozen=True)
class Junk:
    """A malformed request: where it goes, its body (bytes are sent raw), what it must get."""

    path: str
    body: Callable[[Ids], Any]
    statuses: tuple[int, ...] = (422,)
    key: str | None = INVALID
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"


def create(name: Any) -> Callable[[Ids], Any]:
    return lambda ids: {"folderId": ids["folder"], "name": name}


def rename(version: Any) -> Callable[[Ids], Any]:
    return lambda ids: {"projectId": ids["project"], "name": "Renamed", "expectedVersion": version}


def days(first: Any, last: Any) -> Callable[[Ids], Any]:
    return lambda ids: {"from": first, "to": last}


def batch(invocations: Any) -> Callable[[Ids], Any]:
    return lambda ids: {"invocations": invocations}


CP, CF, GP = "commands/create-project", "commands/create-folder", "queries/get-project"
TABLE: dict[str, Junk] = {
    "not-json": Junk(CP, lambda ids: b"{oops", key="errors.body-not-json"),
    "json-array": Junk(CP, lambda ids: []),
    "json-number": Junk(CP, lambda ids: 42),
    "json-string": Junk(CP, lambda ids: "project"),
    "json-null": Junk(CP, lambda ids: b"null"),
    "empty-body": Junk(CP, lambda ids: b""),
    "folder-id-a-number": Junk(CP, lambda ids: {"folderId": 5, "name": "x"}),
    "name-a-list": Junk(CP, create(["x"])),
    "name-an-object": Junk(CP, create({"text": "x"})),
    "include-subfolders-a-string": Junk(
        "queries/list-projects", lambda ids: {"includeSubfolders": "yes"}
    ),
    "limit-a-string": Junk("queries/list-audit-entries", lambda ids: {"limit": "ten"}),
    "limit-zero": Junk("queries/list-audit-entries", lambda ids: {"limit": 0}),
    "limit-huge": Junk("queries/list-audit-entries", lambda ids: {"limit": 10**30}),
    "body-over-1-mib": Junk(
        CP, lambda ids: b'{"name": "' + b"x" * MIB + b'"}', (413,), "errors.payload-too-large"
    ),
    "deeply-nested-arrays": Junk(
        CP, lambda ids: b"[" * 100_000 + b"]" * 100_000, key="errors.body-too-deep"
    ),
    "deeply-nested-objects": Junk(
        CP, lambda ids: b'{"a":' * 100_000 + b"1" + b"}" * 100_000, key="errors.body-too-deep"
    ),
    "nul-in-project-name": Junk(CP, create("Paris\u0000move"), key=NUL),
    "nul-in-folder-name": Junk(
        CF, lambda ids: {"parentId": ids["folder"], "name": "EU\u0000"}, key=NUL
    ),
    "nul-in-project-id": Junk(GP, lambda ids: {"projectId": "\u0000"}, (404, 422), None),
    "nul-in-folder-id": Junk(
        "queries/get-my-permissions", lambda ids: {"folderId": "a\u0000"}, (404, 422), None
    ),
    "nul-in-log-in-tenant": Junk(
        "commands/log-in",
        lambda ids: {"tenant": "ac\u0000me", "email": "admin@acme.test", "password": "x" * 12},
        (401, 422),
        None,
    ),
    "raw-nul-byte-in-name": Junk(
        CP,
        lambda ids: b'{"folderId": "%s", "name": "a\x00b"}' % ids["folder"].encode(),
        key=NOT_JSON,
    ),
    "lone-surrogate": Junk(
        CP,
        lambda ids: b'{"folderId": "%s", "name": "a\\ud800"}' % ids["folder"].encode(),
        key=NOT_JSON,
    ),
    "bad-utf-8-in-a-value": Junk(
        CP, lambda ids: b'{"folderId": "%s", "name": "a\xff"}' % ids["folder"].encode(), key=UTF8
    ),
    "overlong-utf-8": Junk(CP, lambda ids: b'{"name": "a\xc0\xaf"}', key=UTF8),
    "encoded-surrogate": Junk(CP, lambda ids: b'{"name": "\xed\xa0\x80"}', key=UTF8),
    "bad-utf-8-in-a-key": Junk(CP, lambda ids: b'{"na\xffme": "x"}', key=UTF8),
    "bad-utf-8-in-a-batch": Junk(
        "commands", lambda ids: b'{"invocations": [{"name": "log-in\xff"}]}', key=UTF8
    ),
    "form-content-type": Junk(
        CP,
        create("x"),
        (415,),
        "errors.unsupported-media-type",
        {"Content-Type": "application/x-www-form-urlencoded"},
    ),
    "latin-1-charset": Junk(
        "queries",
        lambda ids: {"invocations": []},
        (415,),
        "errors.unsupported-media-type",
        {"Content-Type": "application/json; charset=iso-8859-1"},
    ),
    "unknown-field": Junk(
        CP, lambda ids: {"folderId": ids["folder"], "name": "x", "colour": "red"}
    ),
    "name-too-long": Junk(CP, create("x" * 201)),
    "folder-name-too-long": Junk(CF, lambda ids: {"parentId": ids["folder"], "name": "x" * 121}),
    "empty-name": Junk(CP, create("")),
    "blank-name": Junk(CP, create(" \t ")),
    "id-too-long": Junk(GP, lambda ids: {"projectId": "0" * 65}),
    "project-id-not-a-ulid": Junk(
        GP, lambda ids: {"projectId": "not-a-ulid"}, (404,), "projects.not-found"
    ),
    "folder-id-not-a-ulid": Junk(
        CP, lambda ids: {"folderId": "../../etc", "name": "x"}, (404,), "tenancy.folder-not-found"
    ),
    "expected-version-negative": Junk("commands/rename-project", rename(-1)),
    "expected-version-zero": Junk("commands/rename-project", rename(0)),
    "expected-version-huge": Junk("commands/rename-project", rename(10**30), (409, 422), None),
    "expected-version-a-float": Junk("commands/rename-project", rename(1.5)),
    "expected-version-a-bool": Junk("commands/rename-project", rename(True)),
    "dates-backwards": Junk(
        "queries/count-logins-per-day", days("2024-03-02", "2024-03-01"), key="analytics.bad-range"
    ),
    "dates-over-ten-years": Junk(
        "queries/count-logins-per-day", days("2000-01-01", "2024-01-01"), key="analytics.bad-range"
    ),
    "dates-not-dates": Junk("queries/count-logins-per-day", days("yesterday", "today")),
    "dates-february-30": Junk("queries/count-logins-per-day", days("2024-02-30", "2024-03-01")),
    "dates-missing": Junk("queries/count-logins-per-day", lambda ids: {"from": "2024-01-01"}),
    "batch-not-json": Junk("commands", lambda ids: b"[{", key=NOT_JSON),
    "batch-an-array": Junk("commands", lambda ids: []),
    "batch-invocations-not-a-list": Junk("commands", batch("create-project")),
    "batch-item-without-name": Junk("commands", batch([{"payload": {}}])),
    "batch-item-not-an-object": Junk("queries", batch([1, 2])),
    "batch-item-name-a-number": Junk("queries", batch([{"name": 7}])),
    "batch-unknown-field": Junk("queries", lambda ids: {"invocations": [], "atomic": True}),
    "unknown-command": Junk(
        "commands/brew-coffee", lambda ids: {}, (404,), "errors.unknown-command"
    ),
    "unknown-query": Junk("queries/brew-coffee", lambda ids: {}, (404,), "errors.unknown-query"),
    "nul-command-name": Junk("commands/%00", lambda ids: {}, (404,), "errors.unknown-command"),
    "unknown-toggle": Junk(
        GP,
        lambda ids: {"projectId": ids["project"]},
        key="errors.invalid-header",
        headers={"X-Toggles": "foo=bar"},
    ),
    "unknown-toggle-value": Junk(
        GP,
        lambda ids: {"projectId": ids["project"]},
        key="errors.invalid-header",
        headers={"X-Toggles": "log.level=loud"},
    ),
    "client-action-id-not-a-ulid": Junk(
        GP,
        lambda ids: {"projectId": ids["project"]},
        key="errors.invalid-header",
        headers={"X-Client-Action-Id": "click-1"},
    ),
    "accept-language-junk": Junk(
        GP,
        lambda ids: {"projectId": "nope"},
        (404,),
        "projects.not-found",
        {"Accept-Language": ";q=x,,*;;q=-1"},
    ),
    "wrong-method": Junk(CP, lambda ids: b"", (405,), None, method="GET"),
    "unknown-path": Junk("rpc/create-project", lambda ids: {}, (404,), None),
}


@pytest.fixture(scope="module")
async def target(http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant) -> Ids:
    """A folder of acme's holding one project, which the junk aims at."""
    token = await token_for("admin@acme")
    folder = {"parentId": acme.folders["France"], "name": f"Junk {new_ulid()}"}
    folder_id = (await call(http, CF, folder, token)).json()["folderId"]
    project = {"folderId": folder_id, "name": "Junk target"}
    project_id = (await call(http, CP, project, token)).json()["projectId"]
    await eventually(lambda: _listed(http, token, folder_id), bool)
    return {"folder": folder_id, "project": project_id}


@pytest.fixture(scope="module")
async def before(http: httpx.AsyncClient, token_for: TokenFor, target: Ids) -> list[dict]:
    """The target folder's projects before any junk is sent."""
    return await _listed(http, await token_for("admin@acme"), target["folder"])


async def _listed(http: httpx.AsyncClient, token: str, folder_id: str) -> list[dict]:
    payload = {"folderId": folder_id, "includeSubfolders": True}
    return (await call(http, "queries/list-projects", payload, token)).json()["projects"]


async def _send(http: httpx.AsyncClient, token: str, junk: Junk, ids: Ids) -> httpx.Response:
    body, headers = junk.body(ids), {**bearer(token), **junk.headers}
    content = body if isinstance(body, bytes) else httpx.Request("POST", "/", json=body).content
    return await http.request(junk.method, f"/{junk.path}", content=content, headers=headers)


@pytest.mark.parametrize("name", TABLE)
async def test_junk_gets_a_problem_with_a_message_key_and_no_server_error(
    name: str, http: httpx.AsyncClient, token_for: TokenFor, target: Ids, before: list[dict]
) -> None:
    """Each malformed request gets its 4xx as problem+json with a messageKey."""
    # given
    junk = TABLE[name]
    # when
    response = await _send(http, await token_for("admin@acme"), junk, target)
    # then
    assert response.status_code in junk.statuses, f"{response.status_code}: {response.text[:300]}"
    assert PROBLEM == response.headers.get("content-type")
    key = response.json().get("messageKey")
    assert key, "the problem has no messageKey"
    assert junk.key in (None, key)


# Every command and query of the module table, each with bodies no payload declares (null
# is no such body: the pipeline reads it as {}).
SHAPELESS = {"unknown-field": {"plantedField": 1}, "json-array": []}
TABLE_PATHS = [
    *(f"commands/{name}" for name in Application.of().commands),
    *(f"queries/{name}" for name in Application.of().queries),
]


@pytest.fixture(scope="module")
async def session_of_its_own(http: httpx.AsyncClient, system: System) -> str:
    """A token of acme's admin that no other test holds: were log-out to act, only it ends."""
    return await log_in(http, "admin@acme.test", system.password)


@pytest.mark.parametrize("shape", SHAPELESS)
@pytest.mark.parametrize("path", TABLE_PATHS)
async def test_every_command_and_query_refuses_a_body_its_payload_does_not_declare(
    path: str, shape: str, http: httpx.AsyncClient, session_of_its_own: str, before: list[dict]
) -> None:
    """Each command and query of the table answers a body with an unknown field, or an array,
    with a 422 invalid-payload problem."""
    # given
    body = httpx.Request("POST", "/", json=SHAPELESS[shape]).content
    # when
    response = await http.post(f"/{path}", content=body, headers=bearer(session_of_its_own))
    # then
    assert (422, PROBLEM, INVALID) == (
        response.status_code,
        response.headers.get("content-type"),
        response.json().get("messageKey"),
    )


async def test_a_full_batch_of_junk_items_answers_each(
    http: httpx.AsyncClient, token_for: TokenFor, target: Ids, before: list[dict]
) -> None:
    """A hundred invalid invocations (a full batch) get a hundred 422 outcomes, in order."""
    # given
    item = {"name": "create-project", "payload": {"folderId": target["folder"], "name": 1}}
    # when
    response = await call(
        http, "commands", {"invocations": [item] * 100}, await token_for("admin@acme")
    )
    # then
    assert 200 == response.status_code
    outcomes = response.json()["outcomes"]
    assert [(422, INVALID)] * 100 == [(o["status"], o["body"]["messageKey"]) for o in outcomes]


async def test_a_nul_in_a_batch_item_causes_no_server_error(
    http: httpx.AsyncClient, token_for: TokenFor, target: Ids, before: list[dict]
) -> None:
    """A batch whose middle query holds a NUL is refused whole, or fails that item alone."""
    # given
    invocations = [
        {"name": "list-folders", "payload": {}},
        {"name": "get-project", "payload": {"projectId": "\u0000"}},
        {"name": "get-project", "payload": {"projectId": target["project"]}},
    ]
    token = await token_for("admin@acme")
    # when
    response = await call(http, "queries", {"invocations": invocations}, token)
    # then
    body = response.json()
    statuses = [o["status"] for o in body.get("outcomes", [])] or [response.status_code]
    assert statuses in ([422], [200, 404, 200], [200, 422, 200]), response.text[:300]


async def test_a_name_with_a_backslash_before_u0000_is_an_ordinary_name(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """Only a real NUL is refused: the six characters \\u0000 are a valid (if odd) name."""
    # given
    name = f"C:\\u0000 {new_ulid()}"
    payload = {"folderId": acme.folders["France"], "name": name}
    token = await token_for("admin@acme")
    # when
    response = await call(http, CP, payload, token)
    # then
    assert 200 == response.status_code, response.text[:300]
    found = await call(http, GP, {"projectId": response.json()["projectId"]}, token)
    assert name == found.json()["name"]


async def test_a_malformed_traceparent_is_ignored(
    http: httpx.AsyncClient, token_for: TokenFor, target: Ids
) -> None:
    """A traceparent that is not W3C is no error: the server starts a trace of its own."""
    # given
    headers = {"traceparent": "00-not-a-trace-01"}
    # when
    response = await call(
        http, GP, {"projectId": target["project"]}, await token_for("admin@acme"), headers
    )
    # then
    assert 200 == response.status_code
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Trace-Id"])


async def test_the_junk_changed_nothing(
    http: httpx.AsyncClient, token_for: TokenFor, target: Ids, before: list[dict]
) -> None:
    """After all the junk, the target folder lists the same projects and the target is untouched."""
    # given
    token = await token_for("admin@acme")
    # when (a project made by junk would be listed within a second: watch that long)
    after = await eventually(
        lambda: _listed(http, token, target["folder"]), lambda now: now != before, within=1.0
    )
    project = (await call(http, GP, {"projectId": target["project"]}, token)).json()
    # then
    assert before == after
    assert ("Junk target", 1) == (project["name"], project["version"])

"""The server's log: JSON lines tied to their invocation, free of secrets, verbose on request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.blackbox._api import System, Tenant, TokenFor, call, eventually, log_in, new_ulid

Line = dict[str, Any]


def _lines(path: Path, offset: int) -> list[Line]:
    """The JSON lines written to `path` after `offset`; other lines (banner, tracebacks) skipped."""
    with path.open("rb") as log:
        log.seek(offset)
        text = log.read().decode("utf-8", "replace")
    lines = []
    for raw in text.splitlines():
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue
    return [line for line in lines if isinstance(line, dict)]


async def _logged(system: System, offset: int, invocation_ids: set[str]) -> list[Line]:
    """The JSON lines after `offset`, once every invocation's summary line is among them."""

    async def read() -> list[Line]:
        return _lines(system.log_path, offset)

    def complete(lines: list[Line]) -> bool:
        summarized = {
            line.get("invocation_id") for line in lines if line.get("event") == "invocation"
        }
        return invocation_ids <= summarized

    return await eventually(read, complete)


def _offset(system: System) -> int:
    return system.log_path.stat().st_size


async def test_the_log_never_holds_a_password_or_an_access_token(
    http: httpx.AsyncClient, system: System, token_for: TokenFor
) -> None:
    """Log-ins and a command carrying a password leave no password and no token in the log."""
    # given
    offset, secret = _offset(system), f"Pa55word-{new_ulid()}"
    account = {"email": f"logs-{new_ulid()}@acme.test", "displayName": "Logs", "password": secret}
    wrong = {"tenant": "acme", "email": "admin@acme.test", "password": secret}
    # when
    token = await log_in(http, "editor@acme.test", system.password)
    answers = [
        await call(http, "queries/list-folders", {}, token),
        await call(http, "commands/register-account", account, await token_for("admin@acme")),
        await call(http, "commands/log-in", wrong),
    ]
    # then
    assert [200, 200, 401] == [answer.status_code for answer in answers]
    lines = await _logged(system, offset, {a.headers["X-Invocation-Id"] for a in answers})
    text = "\n".join(json.dumps(line) for line in lines)
    leaks = [s for s in (system.password, secret, token, token.split(".")[2]) if s in text]
    assert [] == leaks


async def test_every_log_line_of_an_invocation_carries_its_ids(
    http: httpx.AsyncClient, system: System, token_for: TokenFor, acme: Tenant
) -> None:
    """Each line about an invocation, even a refused one, has its invocation_id and trace_id."""
    # given
    offset, token = _offset(system), await token_for("editor@acme")
    # when
    answers = [
        await call(http, "queries/list-folders", {}, token),
        await call(http, "queries/get-project", {"projectId": "missing"}, token),
        await call(
            http, "commands/create-project", {"folderId": acme.folders["US"], "name": "x"}, token
        ),
        await call(http, "queries/list-folders", {}, "not-a-token"),
        await call(http, "queries/list-folders", {}),
    ]
    # then
    ids = {a.headers["X-Invocation-Id"]: a.headers["X-Trace-Id"] for a in answers}
    lines = await _logged(system, offset, set(ids))
    about_invocations = [
        line for line in lines if {"invocation_id", "outcome", "status"} & line.keys()
    ]
    missing = [
        line
        for line in about_invocations
        if not (line.get("invocation_id") and line.get("trace_id"))
    ]
    assert [] == missing
    traced = {
        line["invocation_id"]: line["trace_id"]
        for line in lines
        if line.get("invocation_id") in ids
    }
    assert ids == traced


async def test_the_debug_toggle_adds_debug_lines_for_that_invocation_only(
    http: httpx.AsyncClient, system: System, token_for: TokenFor, acme: Tenant
) -> None:
    """X-Toggles: log.level=debug logs create-project's debug line; without it, no debug line."""
    # given
    offset, token = _offset(system), await token_for("editor@acme")
    payload = {"folderId": acme.folders["France"], "name": f"Logged {new_ulid()}"}
    debug = {"X-Toggles": "log.level=debug"}
    # when
    toggled = await call(http, "commands/create-project", payload, token, debug)
    plain = await call(
        http, "commands/create-project", {**payload, "name": payload["name"] + "!"}, token
    )
    # then
    assert (200, 200) == (toggled.status_code, plain.status_code)
    toggled_id, plain_id = toggled.headers["X-Invocation-Id"], plain.headers["X-Invocation-Id"]
    lines = await _logged(system, offset, {toggled_id, plain_id})
    debug_lines = {
        (line.get("invocation_id"), line.get("event"))
        for line in lines
        if line.get("level") == "debug"
    }
    assert (toggled_id, "projects.created") in debug_lines
    assert set() == {event for invocation, event in debug_lines if invocation == plain_id}


async def test_a_body_that_is_not_utf_8_is_logged_as_one_json_line(
    http: httpx.AsyncClient, system: System
) -> None:
    """An unauthenticated log-in whose body is not UTF-8 gets its 422 and one JSON line, with
    its invocation id and message key, and no traceback."""
    # given
    offset = _offset(system)
    # when
    response = await http.post("/commands/log-in", content=b'{"tenant": "a\xff"}')
    # then
    invocation_id = response.headers["X-Invocation-Id"]
    lines = await _logged(system, offset, {invocation_id})
    mine = [line for line in lines if line.get("invocation_id") == invocation_id]
    assert (422, "errors.body-not-utf-8") == (response.status_code, response.json()["messageKey"])
    assert [("invocation", "errors.body-not-utf-8")] == [
        (line["event"], line["message_key"]) for line in mine if line.get("message_key")
    ]
    text = system.log_path.read_bytes()[offset:].decode("utf-8", "replace")
    assert "Traceback" not in text


async def test_a_refused_log_in_is_logged_with_its_tenant_subject_and_address(
    http: httpx.AsyncClient, system: System, acme: Tenant
) -> None:
    """A wrong password names acme, the account it tried and where it came from; an unknown
    email is named by its hash, never in clear."""
    offset, unknown = _offset(system), f"nobody-{new_ulid().lower()}@acme.test"
    wrong = [
        await call(http, "commands/log-in", {"tenant": "acme", "email": who, "password": "x"})
        for who in ("viewer@acme.test", unknown)
    ]
    ids = {answer.headers["x-invocation-id"] for answer in wrong}
    lines = [
        line
        for line in await _logged(system, offset, ids)
        if line.get("event") == "invocation" and line.get("invocation_id") in ids
    ]

    assert (2, {acme.tenant_id}, {"127.0.0.1"}, True, True, False) == (
        len(lines),
        {line["tenant_id"] for line in lines},
        {line["client_ip"] for line in lines},
        all(line["actor_id"] for line in lines),
        any(str(line["actor_id"]).startswith("email:") for line in lines),
        unknown in json.dumps(lines),
    )

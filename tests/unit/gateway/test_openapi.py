"""/openapi.json describes every command and query with its payload and a real answer."""

from __future__ import annotations

from typing import Any

from ossature.gateway.openapi import openapi
from ossature.runtime.application import Application

APP = Application.of()
DOCUMENT = openapi(APP)
RPC = [f"/commands/{name}" for name in APP.commands] + [f"/queries/{name}" for name in APP.queries]


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return DOCUMENT["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def _answer(path: str) -> dict[str, Any]:
    content = DOCUMENT["paths"][path]["post"]["responses"]["200"]["content"]
    return _resolved(content["application/json"]["schema"])


def _members(path: str) -> list[dict[str, Any]]:
    """The answer's schema, or each of a union's (log-in's)."""
    answer = _answer(path)
    return [_resolved(member) for member in answer.get("anyOf", [answer])]


def test_every_command_and_query_has_an_answer_schema_with_its_fields() -> None:
    """No answer is a bare object: each names its fields, and requires them."""
    trivial = [p for p in RPC for m in _members(p) if not m.get("properties") or not m["required"]]
    assert [] == trivial


def test_log_ins_answer_is_either_a_session_or_an_mfa_challenge() -> None:
    """A union of TypedDicts is described as anyOf its members."""
    members = [set(member["required"]) for member in _members("/commands/log-in")]
    session = {"accessToken", "expiresAt", "sessionId", "refreshToken", "refreshableUntil"}
    assert [session, {"mfaRequired", "mfaToken"}] == members


def test_every_refusal_is_a_problem_with_a_message_key() -> None:
    """Every documented non-2xx answer of a command or query is the Problem schema."""
    refs = {
        answer["content"]["application/problem+json"]["schema"]["$ref"]
        for path in RPC
        for status, answer in DOCUMENT["paths"][path]["post"]["responses"].items()
        if status != "200"
    }
    assert {"#/components/schemas/Problem"} == refs
    assert "messageKey" in DOCUMENT["components"]["schemas"]["Problem"]["required"]


def test_the_batches_list_every_name_of_their_kind() -> None:
    """POST /commands and /queries accept exactly the names of the module table."""
    names = {}
    for kind, table in (("commands", APP.commands), ("queries", APP.queries)):
        body = DOCUMENT["paths"][f"/{kind}"]["post"]["requestBody"]["content"]
        item = body["application/json"]["schema"]["properties"]["invocations"]["items"]
        names[kind] = (set(item["properties"]["name"]["enum"]), set(table))
    assert all(listed == table for listed, table in names.values())


def test_the_other_paths_are_described() -> None:
    """Health, keys, discovery, metrics and the document itself; no page (the logins chart is
    the web app's)."""
    others = {
        "/health/live",
        "/health/ready",
        "/.well-known/jwks.json",
        "/.well-known/ossature-configuration",
        "/metrics",
        "/openapi.json",
    }
    assert (True, False) == (
        others <= DOCUMENT["paths"].keys(),
        "/analytics/logins" in DOCUMENT["paths"],
    )

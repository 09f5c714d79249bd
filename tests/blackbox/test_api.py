"""The HTTP surface: problem documents, ids, languages, batches and the well-known endpoints."""

from __future__ import annotations

import re

import httpx

from ossature.runtime.application import Application
from tests.blackbox._api import (
    PROBLEM,
    System,
    Tenant,
    TokenFor,
    call,
    new_ulid,
    problem_of,
)
from tests.blackbox._attempts import wire_names

TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
ULID_TEXT = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
PROBLEM_FIELDS = {
    "type",
    "title",
    "status",
    "messageKey",
    "messageParams",
    "invocationId",
    "retryable",
}


async def test_a_success_carries_an_invocation_id_and_a_trace_id(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """A successful answer names its invocation and its trace in headers."""
    # when
    response = await call(http, "queries/list-folders", {}, await token_for("admin@acme"))
    # then
    assert 200 == response.status_code
    assert ULID_TEXT.match(response.headers["X-Invocation-Id"])
    assert TRACE_ID.match(response.headers["X-Trace-Id"])


async def test_a_problem_has_the_rfc9457_shape_and_names_its_invocation(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """An error is problem+json with every field, and its invocationId is the header's."""
    # when
    response = await call(
        http, "queries/get-project", {"projectId": new_ulid()}, await token_for("admin@acme")
    )
    # then
    body = response.json()
    assert (404, PROBLEM) == (response.status_code, response.headers["content-type"])
    assert PROBLEM_FIELDS <= body.keys()
    assert ("projects.not-found", 404, False) == (
        body["messageKey"],
        body["status"],
        body["retryable"],
    )
    assert f"urn:ossature:problem:{body['messageKey']}" == body["type"]
    assert response.headers["X-Invocation-Id"] == body["invocationId"]
    assert TRACE_ID.match(response.headers["X-Trace-Id"])


async def test_a_client_traceparent_is_kept_as_the_trace_id(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """The trace id of a client's traceparent comes back as X-Trace-Id, on success and on error."""
    # given
    token, trace_id = await token_for("admin@acme"), "4bf92f3577b34da6a3ce929d0e0e4736"
    headers = {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
    # when
    success = await call(http, "queries/list-folders", {}, token, headers)
    failure = await call(http, "queries/get-project", {"projectId": "nope"}, token, headers)
    # then
    assert (200, trace_id) == (success.status_code, success.headers["X-Trace-Id"])
    assert (404, trace_id) == (failure.status_code, failure.headers["X-Trace-Id"])


async def test_accept_language_fr_gives_a_french_title(http: httpx.AsyncClient) -> None:
    """Without an account locale, Accept-Language picks the language of a problem's title."""
    # given
    catalog = await call(http, "queries/get-message-catalog", {"locale": "fr"})
    # when
    response = await call(http, "queries/list-folders", {}, None, {"Accept-Language": "fr"})
    # then
    french = catalog.json()["messages"]["errors.unauthenticated"]
    assert (401, "fr") == (response.status_code, response.headers["Content-Language"])
    assert french == response.json()["title"]


async def test_a_batch_keeps_order_and_independent_statuses(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """Three commands whose middle one is denied answer in order, the others still applied."""
    # given
    france, us = acme.folders["France"], acme.folders["US"]
    invocations = [
        {"name": "create-project", "payload": {"folderId": france, "name": "Batch one"}},
        {"name": "create-project", "payload": {"folderId": us, "name": "Batch denied"}},
        {"name": "create-project", "payload": {"folderId": france, "name": "Batch three"}},
    ]
    token = await token_for("editor@acme")
    # when
    response = await call(http, "commands", {"invocations": invocations}, token)
    # then
    outcomes = response.json()["outcomes"]
    assert [200, 403, 200] == [outcome["status"] for outcome in outcomes]
    assert "errors.denied" == outcomes[1]["body"]["messageKey"]
    assert 3 == len({outcome["invocationId"] for outcome in outcomes})
    for outcome in (outcomes[0], outcomes[2]):
        project = {"projectId": outcome["body"]["projectId"]}
        assert 200 == (await call(http, "queries/get-project", project, token)).status_code


async def test_a_batch_over_the_limit_is_refused_whole(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """A batch of 101 invocations is a keyed 422 and runs none of them; 100 run."""
    # given
    token = await token_for("admin@acme")
    names = [f"Over the limit {n}" for n in range(101)]
    over = [
        {"name": "create-project", "payload": {"folderId": acme.folders["US"], "name": name}}
        for name in names
    ]
    at_limit = [{"name": "list-folders", "payload": {}}] * 100
    # when
    refused = await call(http, "commands", {"invocations": over}, token)
    accepted = await call(http, "queries", {"invocations": at_limit}, token)
    # then
    assert (422, "errors.batch-too-large") == problem_of(refused)
    assert {"limit": 100} == refused.json()["messageParams"]
    listed = await call(http, "queries/list-projects", {"folderId": acme.folders["US"]}, token)
    assert not set(names) & {p["name"] for p in listed.json()["projects"]}
    assert [200] * 100 == [o["status"] for o in accepted.json()["outcomes"]]


async def test_health_endpoints_answer(http: httpx.AsyncClient) -> None:
    """Liveness and readiness both answer 200 on a running system."""
    # when
    live, ready = await http.get("/health/live"), await http.get("/health/ready")
    # then
    assert (200, 200) == (live.status_code, ready.status_code)
    assert ("live", "ready") == (live.json()["status"], ready.json()["status"])


async def test_metrics_expose_invocation_durations(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """/metrics is Prometheus text holding the invocation histogram."""
    # given
    await call(http, "queries/list-folders", {}, await token_for("admin@acme"))
    # when
    response = await http.get("/metrics")
    # then
    assert 200 == response.status_code
    assert "ossature_invocation_seconds_bucket" in response.text


def _payload_fields(kind: str) -> dict[str, set[str]]:
    """Each path of the module table's commands or queries, with its payload's wire fields."""
    app = Application.of()
    specs = app.commands if kind == "commands" else app.queries
    return {f"/{kind}/{name}": wire_names(spec.payload) for name, spec in specs.items()}


async def test_openapi_describes_every_command_and_query_with_its_request_schema(
    http: httpx.AsyncClient,
) -> None:
    """/openapi.json lists every command and query of the module table, with its payload's fields."""
    # given
    expected = {**_payload_fields("commands"), **_payload_fields("queries")}
    # when
    spec = (await http.get("/openapi.json")).json()
    # then
    actual = {}
    for path in expected.keys() & spec["paths"].keys():
        content = spec["paths"][path]["post"]["requestBody"]["content"]
        ref = content["application/json"]["schema"]["$ref"]
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        actual[path] = set(schema.get("properties", {}))
    assert expected == actual


async def test_jwks_publishes_the_active_ed25519_key(
    http: httpx.AsyncClient, system: System
) -> None:
    """The JWKS holds OKP Ed25519 keys with kids, among them the active signing key."""
    # given
    active = (system.var_dir / "secrets" / "signing-keys" / "active").read_text().strip()
    # when
    keys = (await http.get("/.well-known/jwks.json")).json()["keys"]
    # then
    assert {("OKP", "Ed25519")} == {(key["kty"], key["crv"]) for key in keys}
    assert active in {key["kid"] for key in keys}


async def test_french_and_english_catalogs_have_the_same_keys(http: httpx.AsyncClient) -> None:
    """Every message exists in both languages."""
    # when
    english = await call(http, "queries/get-message-catalog", {"locale": "en"})
    french = await call(http, "queries/get-message-catalog", {"locale": "fr"})
    # then
    assert ("en", "fr") == (english.json()["locale"], french.json()["locale"])
    assert set(english.json()["messages"]) == set(french.json()["messages"])


async def test_log_in_does_not_tell_unknown_emails_from_wrong_passwords(
    http: httpx.AsyncClient, system: System
) -> None:
    """A wrong password and an unknown email get the same 401 and key: no account enumeration."""
    # given
    wrong = {"tenant": "acme", "email": "editor@acme.test", "password": system.password + "x"}
    unknown = {"tenant": "acme", "email": "nobody@acme.test", "password": system.password}
    # when
    answers = [await call(http, "commands/log-in", body) for body in (wrong, unknown)]
    # then
    expected = (401, "identity.invalid-credentials")
    assert [expected, expected] == [(a.status_code, a.json()["messageKey"]) for a in answers]


async def test_listing_a_folder_with_subfolders_shows_the_projects_below_it(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """An editor at EU listing EU with subfolders sees France's projects and nothing elsewhere."""
    # given
    eu = acme.folders["EU"]
    token = await token_for("editor@acme")
    # when
    response = await call(
        http, "queries/list-projects", {"folderId": eu, "includeSubfolders": True}, token
    )
    # then
    projects = response.json()["projects"]
    assert {"Paris office move", "Website relaunch"} <= {p["name"] for p in projects}
    assert {p["folderId"] for p in projects} <= {eu, acme.folders["France"]}

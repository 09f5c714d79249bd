"""Personal access tokens and API keys over HTTP: they work on queries and commands as their
owner, stop at once when revoked, are audited by mechanism and id, and every bad one gets
the same 401 (decisions 48 and 49)."""

from __future__ import annotations

import json
import secrets
import time

import httpx
import pytest

from tests.blackbox._api import System, Tenant, TokenFor, call, eventually, new_ulid, problem_of

DAY = 24 * 3600
REFUSED = (401, "identity.credential-refused")


def _in_a_day() -> int:
    return int(time.time()) + DAY


async def _made(http: httpx.AsyncClient, name: str, payload: object, token: str) -> dict:
    response = await call(http, f"commands/{name}", payload, token)
    assert 200 == response.status_code, response.text
    return dict(response.json())


async def test_a_personal_access_token_works_as_its_owner_and_stops_at_once_when_revoked(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """The editor's token reads and writes where the editor may (EU), not elsewhere (US);
    once revoked it is refused at the next call."""
    session = await token_for("editor@acme")
    made = await _made(
        http, "create-personal-access-token", {"name": "ci", "expiresAt": _in_a_day()}, session
    )
    pat = made["token"]
    # when
    folders = await call(http, "queries/list-folders", {}, pat)
    created = await call(
        http, "commands/create-project", {"folderId": acme.folders["EU"], "name": "by-pat"}, pat
    )
    elsewhere = await call(
        http, "commands/create-project", {"folderId": acme.folders["US"], "name": "no"}, pat
    )
    await _made(http, "revoke-personal-access-token", {"tokenId": made["tokenId"]}, session)
    after = await call(http, "queries/list-folders", {}, pat)
    # then
    assert pat.startswith("oss_pat_") and 103 == len(pat)
    assert (200, 200, 403) == (folders.status_code, created.status_code, elsewhere.status_code)
    assert REFUSED == problem_of(after)


async def test_an_api_key_acts_as_a_service_and_stops_when_revoked(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    admin = await token_for("admin@acme")
    account = await _made(
        http,
        "create-service-account",
        {"name": "exporter", "role": "project-editor", "folderId": acme.folders["EU"]},
        admin,
    )
    key = await _made(
        http,
        "create-api-key",
        {"serviceAccountId": account["serviceAccountId"], "name": "k", "expiresAt": _in_a_day()},
        admin,
    )
    # when
    created = await call(
        http,
        "commands/create-project",
        {"folderId": acme.folders["France"], "name": "by-key"},
        key["apiKey"],
    )
    await _made(http, "revoke-api-key", {"keyId": key["keyId"]}, admin)
    after = await call(
        http,
        "commands/create-project",
        {"folderId": acme.folders["EU"], "name": "x"},
        key["apiKey"],
    )
    # then
    assert key["apiKey"].startswith("oss_key_")
    assert 200 == created.status_code, created.text
    assert REFUSED == problem_of(after)


async def test_the_audit_names_the_mechanism_and_the_credential(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant
) -> None:
    """The owner's audit shows the call made with the token: its mechanism and the token's id."""
    session = await token_for("viewer@acme")
    made = await _made(
        http, "create-personal-access-token", {"name": "audit", "expiresAt": _in_a_day()}, session
    )
    marker = new_ulid()
    response = await call(
        http, "queries/list-folders", {}, made["token"], {"X-Client-Action-Id": marker}
    )
    assert 200 == response.status_code
    # when
    entries = (await call(http, "queries/list-audit-entries", {}, session)).json()["entries"]
    # then
    (entry,) = [e for e in entries if e["context"]["trace"]["clientActionId"] == marker]
    expected = ("list-folders", "personal-access-token", made["tokenId"])
    assert expected == (entry["name"], entry["mechanism"], entry["credentialId"])


def _forms(real: str) -> list[str]:
    flipped = "A" if real[-1] != "A" else "B"
    return [
        real[:-1] + flipped,  # a wrong secret
        real[:8] + new_ulid() + real[34:],  # another tenant
        real[:34] + new_ulid() + real[60:],  # an unknown id
        "oss_pat_" + secrets.token_urlsafe(72),  # junk of about the right length
        "oss_key_",
        "oss_pat_" + real[8:] + "x",
    ]


async def test_every_bad_token_gets_the_same_refusal(
    http: httpx.AsyncClient, token_for: TokenFor
) -> None:
    """Malformed, forged, unknown and of another tenant: one answer, no oracle."""
    session = await token_for("viewer@acme")
    made = await _made(
        http, "create-personal-access-token", {"name": "x", "expiresAt": _in_a_day()}, session
    )
    answers = [
        problem_of(await call(http, "queries/list-folders", {}, t)) for t in _forms(made["token"])
    ]
    assert [REFUSED] * 6 == answers


@pytest.mark.parametrize("expires_in", [-60, 400 * DAY])
async def test_an_expiry_in_the_past_or_beyond_a_year_is_refused(
    http: httpx.AsyncClient, token_for: TokenFor, expires_in: int
) -> None:
    session = await token_for("viewer@acme")
    payload = {"name": "x", "expiresAt": int(time.time()) + expires_in}
    response = await call(http, "commands/create-personal-access-token", payload, session)
    assert (422, "identity.invalid-expiry") == problem_of(response)


async def test_the_log_line_names_the_mechanism_and_the_credential_and_never_the_token(
    http: httpx.AsyncClient, system: System, token_for: TokenFor
) -> None:
    session = await token_for("viewer@acme")
    made = await _made(
        http, "create-personal-access-token", {"name": "log", "expiresAt": _in_a_day()}, session
    )
    offset = system.log_path.stat().st_size
    response = await call(http, "queries/list-folders", {}, made["token"])
    invocation = response.headers["X-Invocation-Id"]

    def lines() -> list[dict]:
        with system.log_path.open("rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", "replace")
        return [json.loads(raw) for raw in text.splitlines() if raw.startswith("{")]

    async def summary() -> list[dict]:
        return [
            line
            for line in lines()
            if line.get("event") == "invocation" and line.get("invocation_id") == invocation
        ]

    # when
    (line,) = await eventually(summary, bool)
    # then
    assert ("personal-access-token", made["tokenId"]) == (line["mechanism"], line["auth_id"])
    assert made["token"] not in system.log_path.read_text("utf-8", "replace")

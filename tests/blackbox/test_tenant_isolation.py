"""Tenant isolation: another tenant's ids lead nowhere, and every attempt is audited.

The attempts are derived from the module table (see `_attempts.py`): every command and
query that is not public is tried by globex's admin, once for each id field of its payload
holding an id of acme's. A new command is covered here the day it enters the table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.blackbox._api import (
    PROBLEM,
    System,
    Tenant,
    TokenFor,
    call,
    claims_of,
    eventually,
    log_in,
    new_ulid,
    problem_of,
)
from tests.blackbox._attempts import Entities, attempts, payload_for

ATTEMPTS = {attempt.label: attempt for attempt in attempts()}


@dataclass(frozen=True)
class Answer:
    """What an attempt sent and what it got back."""

    sent: dict[str, Any]
    response: httpx.Response

    def verdict(self, acme_ids: frozenset[str]) -> str:
        """ "refused" (a 403 or 404 problem), "nothing of theirs" (an answer revealing no acme id
        it was not sent), or what happened instead."""
        response, sent = self.response, {v for v in self.sent.values() if isinstance(v, str)}
        leaked = sorted(i for i in acme_ids - sent if i in response.text)
        refused = response.status_code in (403, 404)
        if refused and response.headers["content-type"] == PROBLEM and not leaked:
            return "refused"
        if response.status_code < 500 and not refused and not leaked:
            return "nothing of theirs"
        return f"{response.status_code} leaking {leaked}: {response.text[:300]}"


Answers = dict[str, Answer]


def _labels(kind: str, foreign: bool) -> list[str]:
    return [k for k, a in ATTEMPTS.items() if a.kind == kind and (a.foreign is not None) == foreign]


async def _credentials(http: httpx.AsyncClient, token_for: TokenFor, tenant: Tenant) -> Entities:
    """A personal access token of the tenant's editor, a service account and its API key."""
    admin, expires = await token_for(f"admin@{tenant.slug}"), int(time.time()) + 3600
    token = await call(
        http,
        "commands/create-personal-access-token",
        {"name": "isolated", "expiresAt": expires},
        await token_for(f"editor@{tenant.slug}"),
    )
    service = await call(
        http,
        "commands/create-service-account",
        {"name": "isolated", "role": "project-viewer", "folderId": tenant.folders["Global"]},
        admin,
    )
    account = service.json()["serviceAccountId"]
    key = await call(
        http,
        "commands/create-api-key",
        {"serviceAccountId": account, "name": "isolated", "expiresAt": expires},
        admin,
    )
    return {
        "personal-access-token": token.json()["tokenId"],
        "service-account": account,
        "api-key": key.json()["keyId"],
    }


async def _invoice(http: httpx.AsyncClient, system: System, tenant: Tenant) -> Entities:
    """An invoice of the tenant's: the platform operator closes its open cycle."""
    operator = await log_in(http, "operator@platform.test", system.password)
    body = {"tenantId": tenant.tenant_id}
    closed = (await call(http, "commands/close-billing-cycle", body, operator)).json()
    return {
        "invoice": closed["invoiceId"],
        "billing-cycle": closed["cycleId"],
        "invoice-line": "1",
    }


@pytest.fixture(scope="module")
async def theirs(
    http: httpx.AsyncClient, system: System, token_for: TokenFor, acme: Tenant
) -> Entities:
    """Acme's entities an attempt names: a fresh project, its root folder, its editor, a token,
    a service account, a key, the invocation that made the project, and an invoice."""
    payload = {"folderId": acme.folders["France"], "name": f"Isolated {new_ulid()}"}
    created = await call(http, "commands/create-project", payload, await token_for("admin@acme"))
    return {
        "project": created.json()["projectId"],
        "invocation": created.headers["X-Invocation-Id"],
        "folder": acme.folders["Global"],
        "tenant": acme.tenant_id,
        "account": claims_of(await token_for("editor@acme"))["sub"],
        **await _credentials(http, token_for, acme),
        **await _invoice(http, system, acme),
    }


@pytest.fixture(scope="module")
async def own(
    http: httpx.AsyncClient, system: System, token_for: TokenFor, globex: Tenant
) -> Entities:
    """Globex's own entities, for the id fields of an attempt that do not name acme's."""
    return {
        "project": globex.projects["Customer portal"],
        "folder": globex.folders["Global"],
        "tenant": globex.tenant_id,
        "account": claims_of(await token_for("editor@globex"))["sub"],
        **await _credentials(http, token_for, globex),
        **await _invoice(http, system, globex),
    }


@pytest.fixture(scope="module")
async def acme_ids(token_for: TokenFor, acme: Tenant, theirs: Entities) -> frozenset[str]:
    """Every id of acme's the attempts could reveal: tenant, folders, projects, accounts."""
    accounts = [claims_of(await token_for(f"{who}@acme"))["sub"] for who in ("admin", "viewer")]
    known = [acme.tenant_id, *acme.folders.values(), *acme.projects.values(), *accounts]
    # A line's number and a cycle's id (its start) are not acme's alone: every invoice has
    # a line "1", and every tenant's first cycle starts with the month.
    shared = {"invoice-line", "billing-cycle"}
    return frozenset([*known, *(v for k, v in theirs.items() if k not in shared)])


@pytest.fixture(scope="module")
async def answers(
    http: httpx.AsyncClient, system: System, theirs: Entities, own: Entities
) -> Answers:
    """Every attempt of globex's admin, by label, each in a session of its own (one logs out)."""
    found: Answers = {}
    for label, attempt in ATTEMPTS.items():
        token = await log_in(http, "admin@globex.test", system.password)
        payload = payload_for(attempt, theirs, own, new_ulid().lower())
        found[label] = Answer(payload, await call(http, attempt.path, payload, token))
    return found


async def _audited(http: httpx.AsyncClient, token: str, invocation_ids: set[str]) -> dict[str, str]:
    """The audit outcome of each invocation, polled until all are recorded."""

    async def outcomes() -> dict[str, str]:
        response = await call(http, "queries/list-audit-entries", {"limit": 1000}, token)
        entries = response.json()["entries"]
        return {
            e["invocationId"]: e["outcome"] for e in entries if e["invocationId"] in invocation_ids
        }

    return await eventually(outcomes, lambda found: found.keys() == invocation_ids)


@pytest.mark.parametrize("label", _labels("command", foreign=True))
async def test_a_command_naming_another_tenants_entity_is_refused(
    label: str, answers: Answers, acme_ids: frozenset[str]
) -> None:
    """A globex command naming an acme entity gets a 403 or 404 problem."""
    # when
    verdict = answers[label].verdict(acme_ids)
    # then
    assert "refused" == verdict


@pytest.mark.parametrize("label", _labels("query", foreign=True))
async def test_a_query_naming_another_tenants_entity_shows_nothing_of_theirs(
    label: str, answers: Answers, acme_ids: frozenset[str]
) -> None:
    """A globex query naming an acme entity is refused, or answered with no acme data."""
    # when
    response = answers[label].response
    verdict = answers[label].verdict(acme_ids)
    # then
    assert verdict in {"refused", "nothing of theirs"}
    assert response.status_code in (200, 403, 404), response.text


@pytest.mark.parametrize(
    "label", _labels("command", foreign=False) + _labels("query", foreign=False)
)
async def test_an_invocation_naming_no_entity_shows_nothing_of_another_tenant(
    label: str, answers: Answers, acme_ids: frozenset[str]
) -> None:
    """A globex invocation whose payload names no entity answers with no acme id in it."""
    # when
    verdict = answers[label].verdict(acme_ids)
    # then
    assert verdict in {"refused", "nothing of theirs"}


async def test_the_attempts_leave_the_other_tenants_project_unchanged(
    http: httpx.AsyncClient, token_for: TokenFor, acme: Tenant, theirs: Entities, answers: Answers
) -> None:
    """After globex's attempts, acme's project still has its one event, name and folder."""
    # given
    token, project = await token_for("admin@acme"), {"projectId": theirs["project"]}
    # when
    found = (await call(http, "queries/get-project", project, token)).json()
    history = (await call(http, "queries/get-project-history", project, token)).json()["entries"]
    # then
    assert (1, False, acme.folders["France"]) == (
        found["version"],
        found["archived"],
        found["folderId"],
    )
    assert found["name"].startswith("Isolated ")
    assert ["project-created"] == [entry["eventType"] for entry in history]


async def test_the_attempts_are_audited_as_not_allowed(
    http: httpx.AsyncClient, token_for: TokenFor, answers: Answers
) -> None:
    """Globex's admin finds each refused attempt in the audit trail with an outcome other than allowed."""
    # given
    responses = [answer.response for answer in answers.values()]
    refused = {r.headers["X-Invocation-Id"] for r in responses if r.status_code in (403, 404)}
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

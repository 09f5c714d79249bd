"""Real answers validate against the schemas /openapi.json gives them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import jsonschema_rs
import pyotp
import pytest

from ossature.gateway.openapi import openapi
from ossature.runtime.application import Application
from tests.blackbox._api import System, Tenant, call, new_ulid
from tests.blackbox._mail import mailed_token_sync
from tests.integration._django import SqliteApp

Made = dict[str, Any]
# Every command and query, in an order where each finds what it needs; `made` holds the
# earlier answers. They run in globex, but for analytics, which globex's plan (starter) does
# not include: those run as acme's admin (team), in login sources no other test reads; the
# platform's operator changes nothing globex has (enables its plan's own module, disables one
# it lacks, sets a feature to its default), impersonates globex's viewer, and log-out ends
# that session. Only
# create-tenant is left out (its schema is checked like every other by the unit test of
# the document).
CALLS: list[tuple[str, Callable[[Made], dict[str, Any]]]] = [
    (
        "commands/log-in",
        lambda made: {
            "tenant": "globex",
            "email": "admin@globex.test",
            "password": made["password"],
        },
    ),
    ("queries/list-folders", lambda made: {}),
    ("commands/refresh-session", lambda made: {"refreshToken": made["refreshToken"]}),
    ("commands/set-my-locale", lambda made: {"locale": "en"}),  # globex's admin's, unchanged
    ("queries/get-my-account", lambda made: {}),
    ("commands/create-folder", lambda made: {"parentId": made["root"], "name": made["unique"]}),
    ("commands/create-project", lambda made: {"folderId": made["folderId"], "name": "Answers"}),
    ("commands/rename-project", lambda made: {"projectId": made["projectId"], "name": "Renamed"}),
    ("commands/archive-project", lambda made: {"projectId": made["projectId"]}),
    ("commands/unarchive-project", lambda made: {"projectId": made["projectId"]}),
    (  # a compensation of the saga project-names; the project bears another name: no change
        "commands/undo-project-rename",
        lambda made: {
            "projectId": made["projectId"],
            "refusedName": "Refused",
            "restoredName": "Answers",
        },
    ),
    (
        "commands/undo-project-creation",
        lambda made: {"projectId": made["projectId"], "refusedName": "Refused"},
    ),
    ("queries/get-project", lambda made: {"projectId": made["projectId"]}),
    ("queries/get-project-history", lambda made: {"projectId": made["projectId"]}),
    ("queries/list-projects", lambda made: {}),
    (
        "queries/get-usage",
        lambda made: {"from": "2026-01-01", "to": "2027-01-01", "groupBy": "folder"},
    ),
    ("queries/get-my-permissions", lambda made: {"folderId": made["folderId"]}),
    ("queries/list-audit-entries", lambda made: {"limit": 5}),
    ("queries/get-audit-entry", lambda made: {"invocationId": made["entries"][0]["invocationId"]}),
    (  # acme's admin for analytics, which globex's plan does not include
        "commands/log-in",
        lambda made: {"tenant": "acme", "email": "admin@acme.test", "password": made["password"]},
    ),
    ("queries/count-logins-per-day", lambda made: {"from": "2026-01-01", "to": "2026-01-03"}),
    (
        "queries/count-source-logins-per-day",
        lambda made: {"source": "ossature", "from": "2026-01-01", "to": "2026-01-02"},
    ),
    ("queries/get-my-capabilities", lambda made: {}),  # the analytics terms still unmet
    ("commands/accept-terms", lambda made: {"version": made["unmet"][0]["version"]}),
    ("queries/list-my-entitlements", lambda made: {}),
    (
        "commands/configure-login-source",
        lambda made: {
            "name": "answers",
            "kind": "sqlite",
            "location": made["location"],
            "schedule": "0 3 * * *",
        },
    ),
    ("commands/run-login-extract", lambda made: {"source": "answers"}),
    ("queries/list-login-sources", lambda made: {}),
    (  # an honest 503 of the admin's (a source whose file is missing), then its report
        "commands/report-problem",
        lambda made: {"invocationId": _failed_extract(made), "description": "answers"},
    ),
    ("queries/list-my-reports", lambda made: {}),
    (  # globex's admin again
        "commands/log-in",
        lambda made: {
            "tenant": "globex",
            "email": "admin@globex.test",
            "password": made["password"],
        },
    ),
    ("queries/list-announcements", lambda made: {"text": "answers", "limit": 5}),
    ("queries/get-message-catalog", lambda made: {"locale": "fr"}),
    (
        "commands/register-account",
        lambda made: {
            "email": f"{made['unique'].lower()}@globex.test",
            "displayName": "Answers",
            # pragma: allowlist nextline secret: a throwaway test account's password
            "password": "a long enough password",
        },
    ),
    (
        "commands/assign-role",
        lambda made: {
            "accountId": made["accountId"],
            "role": "project-viewer",
            "folderId": made["folderId"],
        },
    ),
    (
        "commands/revoke-role",
        lambda made: {
            "accountId": made["accountId"],
            "role": "project-viewer",
            "folderId": made["folderId"],
        },
    ),
    ("queries/list-role-assignments", lambda made: {}),
    ("queries/list-roles", lambda made: {}),
    ("queries/list-accounts", lambda made: {}),
    (
        "commands/set-tenant-security-policy",
        lambda made: {"requireMfa": False, "allowedIpRanges": []},
    ),
    ("queries/get-tenant-security-policy", lambda made: {}),
    (
        "commands/invite-account",
        lambda made: {
            "email": f"invited-{made['unique'].lower()}@globex.test",
            "displayName": "Invited",
            "role": "project-viewer",
            "folderId": made["folderId"],
        },
    ),
    (
        "commands/accept-invitation",
        lambda made: {
            "token": mailed_token_sync(made["system"], made["invited"](), "/accept-invitation"),
            "password": made["invitedPassword"],
        },
    ),
    (
        "commands/request-password-reset",
        lambda made: {"tenant": "globex", "email": made["invited"]()},
    ),
    (
        "commands/reset-password",
        lambda made: {
            "token": mailed_token_sync(made["system"], made["invited"](), "/reset-password"),
            "password": made["invitedPassword"] + "!",
        },
    ),
    ("commands/request-email-verification", lambda made: {}),
    (
        "commands/verify-email",
        lambda made: {
            "token": mailed_token_sync(made["system"], "admin@globex.test", "/verify-email"),
        },
    ),
    (  # the invited account from here on: the admin's password stays the demo's
        "commands/log-in",
        lambda made: {
            "tenant": "globex",
            "email": made["invited"](),
            "password": made["invitedPassword"] + "!",
        },
    ),
    (
        "commands/change-password",
        lambda made: {
            "currentPassword": made["invitedPassword"] + "!",
            "newPassword": made["invitedPassword"] + "?",
        },
    ),
    (  # the admin again: what follows administers globex
        "commands/log-in",
        lambda made: {
            "tenant": "globex",
            "email": "admin@globex.test",
            "password": made["password"],
        },
    ),
    (
        "commands/create-personal-access-token",
        lambda made: {"name": "answers", "expiresAt": int(time.time()) + 3600},
    ),
    ("queries/list-personal-access-tokens", lambda made: {}),
    ("commands/revoke-personal-access-token", lambda made: {"tokenId": made["tokenId"]}),
    (
        "commands/create-service-account",
        lambda made: {"name": "answers", "role": "project-viewer", "folderId": made["folderId"]},
    ),
    (
        "commands/create-api-key",
        lambda made: {
            "serviceAccountId": made["serviceAccountId"],
            "name": "answers",
            "expiresAt": int(time.time()) + 3600,
        },
    ),
    ("commands/revoke-api-key", lambda made: {"keyId": made["keyId"]}),
    ("commands/deactivate-account", lambda made: {"accountId": made["accountId"]}),
    ("commands/forget-account", lambda made: {"accountId": made["accountId"]}),
    # globex's admin turns MFA on, logs in with a recovery code, and turns it off again
    ("commands/enroll-totp", lambda made: {}),
    ("commands/confirm-totp", lambda made: {"code": pyotp.TOTP(made["secret"]).now()}),
    (
        "commands/log-in",
        lambda made: {
            "tenant": "globex",
            "email": "admin@globex.test",
            "password": made["password"],
        },
    ),
    (
        "commands/complete-log-in",
        lambda made: {"mfaToken": made["mfaToken"], "recoveryCode": made["recoveryCodes"][0]},
    ),
    ("commands/disable-totp", lambda made: {"code": made["recoveryCodes"][1]}),
    (
        "commands/log-in",
        lambda made: {
            "tenant": "platform",
            "email": "operator@platform.test",
            "password": made["password"],
        },
    ),
    (  # globex's own plan again: nothing changes
        "commands/set-tenant-plan",
        lambda made: {"tenantId": made["tenantIdOfGlobex"], "plan": "starter"},
    ),
    (
        "commands/enable-module",
        lambda made: {"tenantId": made["tenantIdOfGlobex"], "module": "projects"},
    ),
    (
        "commands/disable-module",
        lambda made: {"tenantId": made["tenantIdOfGlobex"], "module": "analytics"},
    ),
    (
        "commands/set-tenant-feature",
        lambda made: {
            "tenantId": made["tenantIdOfGlobex"],
            "feature": "analytics.external-sources",
            "value": False,
        },
    ),
    ("commands/rotate-tenant-key", lambda made: {"tenantId": made["tenantIdOfGlobex"]}),
    ("queries/list-tenants", lambda made: {"text": "globex"}),
    ("queries/get-tenant", lambda made: {"tenantId": made["tenantIdOfGlobex"]}),
    ("queries/list-sagas", lambda made: {"limit": 5}),
    ("queries/list-investigations", lambda made: {"status": "open"}),
    (
        "commands/resolve-investigation",
        lambda made: {"id": made["investigationId"], "answer": "Answered by the answers test"},
    ),
    (
        "commands/publish-announcement",
        lambda made: {"title": {"en": "Answers"}, "body": {"en": "The answers test"}},
    ),
    # the operator bills globex: closes its cycle, reads and credits its invoice
    ("commands/close-billing-cycle", lambda made: {"tenantId": made["tenantIdOfGlobex"]}),
    ("queries/list-invoices", lambda made: {"tenantId": made["tenantIdOfGlobex"]}),
    (
        "queries/get-invoice",
        lambda made: {"invoiceId": made["invoiceId"], "tenantId": made["tenantIdOfGlobex"]},
    ),
    (
        "queries/list-invoice-operations",
        lambda made: {
            "invoiceId": made["invoiceId"],
            "lineId": "1",
            "tenantId": made["tenantIdOfGlobex"],
        },
    ),
    ("commands/issue-credit-note", lambda made: _credit(made)),
    (
        "commands/start-impersonation",
        lambda made: {
            "accountId": next(
                a["accountId"] for a in made["accounts"] if a["email"] == "viewer@globex.test"
            ),
            "reason": "the answers test",
        },
    ),
    ("commands/log-out", lambda made: {}),
]


def _failed_extract(made: Made) -> str:
    """The invocation id of an extract that answered 503: its source's file does not exist."""
    headers = {"Authorization": f"Bearer {made['accessToken']}"}
    source = {
        "name": "answers-missing",
        "kind": "sqlite",
        "location": "sources/answers-missing-never-there.sqlite3",
        "schedule": "0 3 1 1 *",
    }
    with httpx.Client(base_url=made["system"].base_url, headers=headers, timeout=30) as http:
        assert 200 == http.post("/commands/configure-login-source", json=source).status_code
        failed = http.post("/commands/run-login-extract", json={"source": "answers-missing"})
    assert 503 == failed.status_code, failed.text
    return str(failed.json()["invocationId"])


def _credit(made: Made) -> dict[str, Any]:
    """A cent off globex's largest invoice (its first cycle ran from the month's start)."""
    invoices = [i for i in made["invoices"] if i["kind"] == "invoice"]
    invoice = max(invoices, key=lambda i: i["total"]["amount"])
    return {
        "tenantId": made["tenantIdOfGlobex"],
        "invoiceId": invoice["invoiceId"],
        "amount": {"amount": 1, "currency": invoice["total"]["currency"]},
        "reason": "the answers test",
    }


def _validator(document: dict[str, Any], path: str) -> Any:
    answer = document["paths"][f"/{path}"]["post"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({"components": document["components"], **schema})


def test_the_calls_cover_every_command_and_query_but_create_tenant() -> None:
    """A new command or query must be added to CALLS (its answer then gets checked)."""
    app = Application.of()
    expected = {f"commands/{n}" for n in app.commands} | {f"queries/{n}" for n in app.queries}
    assert expected - {"commands/create-tenant"} == {path for path, _ in CALLS}


@pytest.fixture(scope="module")
def location(system: System) -> str:
    """A Django-like app with one user, in the default allowed directory."""
    made = SqliteApp(system.var_dir / "sources" / "answers.sqlite3")
    made.add_user("ann@app.test")
    return str(made.path)


async def test_every_answer_validates_against_its_schema_in_the_document(
    http: httpx.AsyncClient, system: System, globex: Tenant, location: str
) -> None:
    """Each command and query, called for real, answers what /openapi.json says it does."""
    # given
    document = (await http.get("/openapi.json")).json()
    made: Made = {
        "root": globex.folders["Global"],
        "tenantIdOfGlobex": globex.tenant_id,
        "unique": f"A{new_ulid()}",
        "location": location,
        "password": system.password,
        "system": system,
        # pragma: allowlist nextline secret: a throwaway test account's password
        "invitedPassword": "an invited account's password",
    }
    made["invited"] = lambda: f"invited-{made['unique'].lower()}@globex.test"
    invalid = {}
    for path, payload in CALLS:
        # when
        response = await call(http, path, payload(made), made.get("accessToken"))
        # then
        assert 200 == response.status_code, f"{path}: {response.text[:300]}"
        errors = [e.message for e in _validator(document, path).iter_errors(response.json())]
        if errors:
            invalid[path] = errors
        made.update(response.json())
    assert {} == invalid


async def test_the_served_document_is_the_one_built_from_the_module_table(
    http: httpx.AsyncClient,
) -> None:
    """The fuzz suite reads the document from the module table: it must be the one served."""
    assert openapi(Application.of()) == (await http.get("/openapi.json")).json()

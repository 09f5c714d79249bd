"""Invitation, reset and change of password over HTTP, the links read from the mails the
embedded SMTP server kept in var/mail (a Maildir); an invited user's way to a TOTP log-in."""

from __future__ import annotations

import time

import httpx
import pyotp

from tests.blackbox._api import (
    System,
    Tenant,
    TokenFor,
    call,
    claims_of,
    log_in,
    new_ulid,
)
from tests.blackbox._mail import mailed_token

# pragma: allowlist nextline secret: a throwaway test password
PASSWORD = "invited-member-password"
# pragma: allowlist nextline secret: a throwaway test password
NEW_PASSWORD = "reset-member-password"


async def _invited_member(http: httpx.AsyncClient, system: System, acme: Tenant, admin: str) -> str:
    """A new acme account invited as project-viewer at Global, accepted with PASSWORD."""
    email = f"invited-{new_ulid()[-10:].lower()}@acme.test"
    body = {
        "email": email,
        "displayName": "Invited",
        "role": "project-viewer",
        "folderId": acme.folders["Global"],
        "locale": "fr",
    }
    invited = await call(http, "commands/invite-account", body, admin)
    assert 200 == invited.status_code, invited.text
    token = await mailed_token(system, email, "/accept-invitation")
    accepted = await call(
        http, "commands/accept-invitation", {"token": token, "password": PASSWORD}
    )
    assert 200 == accepted.status_code, accepted.text
    return email


async def test_an_invited_user_accepts_the_mailed_link_and_logs_in_with_the_role(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    email = await _invited_member(http, system, acme, await token_for("admin@acme"))

    token = await log_in(http, email, PASSWORD)

    assert {"role": "project-viewer", "folderId": acme.folders["Global"]} in [
        {"role": r["role"], "folderId": r["folderId"]} for r in claims_of(token)["roles"]
    ]
    again = await call(
        http,
        "commands/accept-invitation",
        {"token": await mailed_token(system, email, "/accept-invitation"), "password": PASSWORD},
    )
    assert (410, "identity.token-used") == (again.status_code, again.json()["messageKey"])


async def test_a_mailed_reset_sets_the_password_and_ends_the_old_session(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    email = await _invited_member(http, system, acme, await token_for("admin@acme"))
    old_session = await log_in(http, email, PASSWORD)
    asked = await call(http, "commands/request-password-reset", {"tenant": "acme", "email": email})
    nobody = await call(
        http, "commands/request-password-reset", {"tenant": "acme", "email": f"x{email}"}
    )
    assert (200, asked.json()) == (nobody.status_code, nobody.json())
    token = await mailed_token(system, email, "/reset-password")

    reset = await call(http, "commands/reset-password", {"token": token, "password": NEW_PASSWORD})

    old = await call(http, "queries/list-folders", {}, old_session)
    assert (200, 401) == (reset.status_code, old.status_code)
    assert (
        200
        == (
            await call(
                http,
                "commands/log-in",
                {"tenant": "acme", "email": email, "password": NEW_PASSWORD},
            )
        ).status_code
    )
    assert (
        401
        == (
            await call(
                http, "commands/log-in", {"tenant": "acme", "email": email, "password": PASSWORD}
            )
        ).status_code
    )


async def test_a_changed_password_replaces_the_old_one(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    email = await _invited_member(http, system, acme, await token_for("admin@acme"))
    session = await log_in(http, email, PASSWORD)

    changed = await call(
        http,
        "commands/change-password",
        {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD},
        session,
    )

    old = await call(
        http, "commands/log-in", {"tenant": "acme", "email": email, "password": PASSWORD}
    )
    new = await call(
        http, "commands/log-in", {"tenant": "acme", "email": email, "password": NEW_PASSWORD}
    )
    assert (200, 401, 200) == (changed.status_code, old.status_code, new.status_code)


async def test_an_invited_user_enrolls_totp_and_then_logs_in_with_a_code(
    http: httpx.AsyncClient, system: System, acme: Tenant, token_for: TokenFor
) -> None:
    """The whole way in: the mailed invitation accepted, a password log-in, TOTP enrolled and
    confirmed, then a log-in that asks for a code and a code that opens the session."""
    email = await _invited_member(http, system, acme, await token_for("admin@acme"))
    first = await log_in(http, email, PASSWORD)
    secret = (await call(http, "commands/enroll-totp", {}, first)).json()["secret"]
    now = pyotp.TOTP(secret).now()
    confirmed = await call(http, "commands/confirm-totp", {"code": now}, first)
    await call(http, "commands/log-out", {}, first)

    body = {"tenant": "acme", "email": email, "password": PASSWORD}
    challenge = (await call(http, "commands/log-in", body)).json()
    # A code of the next step: the confirmation used this one, and a code works once.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    completed = await call(
        http, "commands/complete-log-in", {"mfaToken": challenge["mfaToken"], "code": code}
    )
    folders = await call(http, "queries/list-folders", {}, completed.json()["accessToken"])

    assert (200, 10, True, False, 200, 200) == (
        confirmed.status_code,
        len(confirmed.json()["recoveryCodes"]),
        challenge["mfaRequired"],
        "accessToken" in challenge,
        completed.status_code,
        folders.status_code,
    )
